import { describe, expect, it } from 'vitest';
import * as etcd from './index.js';

describe('@tsplay/etcd public surface', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(etcd).sort()).toEqual(
      [
        'ETCD_BIN_DIR',
        'ETCD_CONFIG_DIR',
        'ETCD_UNIT_PATH',
        'EtcdVars',
        'METADATA_IP_URL',
        'checksumOf',
        'clientUrl',
        'etcdBootstrapGuard',
        'etcdPlay',
        'etcdRole',
        'etcdTasks',
        'etcdUnit',
        'etcdVerify',
        'hostCertPaths',
        'initialCluster',
        'judgeBootstrap',
        'judgeVerify',
        'memberName',
        'memberProblems',
        'parseEndpointHealth',
        'parseMemberListJson',
        'parseMemberListTable',
        'parsePeerProbe',
        'peerUrl',
        'recoverySteps',
        'tarballName',
        'tarballUrl',
      ].sort(),
    );
  });
});
