/**
 * Remove everything the etcd job put on the lab hosts (stop etcd; binaries, /etc/etcd, /var/lib/etcd, unit, tarball).
 * `flock /tmp/tsplay-lab.lock node --conditions=@tsplay/source --import tsx bench/reset.ts`
 */
import { requireLab } from '@tsplay/lab';
import { resetEtcd } from './lib/lab.js';

await resetEtcd(requireLab());
