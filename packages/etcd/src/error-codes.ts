/**
 * The error codes @tsplay/etcd raises, declared into core's `ErrorCodes` (a misspelt code does not compile).
 * Core lists only its own; see packages/core/src/errors.ts.
 */
import type { EtcdBackupCode } from './day2/restore-check.js';
import type { EtcdDay2Code } from './day2/checks.js';
import type { ETCD_ROLLING_CODES } from './day2/rolling.js';

declare module '@tsplay/core' {
  interface ErrorCodes extends Record<EtcdDay2Code | EtcdBackupCode | (typeof ETCD_ROLLING_CODES)[number], true> {
    ETCD_BACKUP_PRUNE: true;
    ETCD_CA_PHASE: true;
    ETCD_CERT_EXPIRING: true;
    ETCD_CERT_NOT_SERVED: true;
    ETCD_DEFRAG_FAILED: true;
    ETCD_JOIN_FAILED: true;
    ETCD_RECOVER_FAILED: true;
    ETCD_REMOVE_FAILED: true;
    // etcd-replace-member.ts (day2/replace-judge.ts)
    ETCD_REPLACE_REFUSED: true;
    ETCD_REPLACE_FAILED: true;
    ETCD_RESTORE_FAILED: true;
    ETCD_ROLLING_FAILED: true;
    ETCD_SNAPSHOT_INVALID: true;
    ETCD_UNHEALTHY: true;
    ETCD_UPGRADE_FAILED: true;
    UNSAFE_BOOTSTRAP: true;
    VERIFY_FAILED: true;
  }
}

export {};
