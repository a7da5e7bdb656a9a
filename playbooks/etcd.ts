import { definePlaybook } from '@tsplay/core';
import { EtcdVars, etcdPlay } from '@tsplay/etcd';

/** KTHW chapter 07: bootstrap the etcd cluster on the controllers (see packages/etcd/README.md). */
export default definePlaybook({ name: 'etcd', vars: EtcdVars, plays: [etcdPlay()] });
