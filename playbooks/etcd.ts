import { definePlaybook } from '@tsplay/core';
import { EtcdVars, etcdPlays } from '@tsplay/etcd';

/**
 * KTHW chapter 07: bootstrap the etcd cluster on the controllers, then restart one member at a time the
 * running members whose certificates changed (see packages/etcd/README.md).
 */
export default definePlaybook({ name: 'etcd', vars: EtcdVars, plays: etcdPlays() });
