import { describe, expect, test } from 'vitest';
import * as lab from './index.js';
import { TsplayError } from '@tsplay/core';

describe('@tsplay/lab public surface', () => {
  test('exports exactly these names', () => {
    expect(Object.keys(lab).sort()).toEqual(
      [
        'LAB_CGROUP',
        'DEFAULT_WAVE',
        'TRIMMED_UNITS',
        'labHostMemory',
        'memAvailableKb',
        'summarizeMemory',
        'APT_REPO_HOST_DIR',
        'APT_REPO_PACKAGES',
        'APT_REPO_SOURCES',
        'buildAptRepo',
        'installAptRepo',
        'labBoot',
        'labPowerOff',
        'cgroupPids',
        'cgroupRoots',
        'killCgroup',
        'ETCD_NEXT_VERSION',
        'etcdTarballName',
        'etcdUrlPath',
        'ETCD_TARBALL',
        'ETCD_URL_BASE',
        'ETCD_URL_PATH',
        'ETCD_VERSION',
        'MAX_HOSTS',
        'METADATA_PATH',
        'findLabHost',
        'findRepoRoot',
        'isClean',
        'isRoot',
        'labDown',
        'labHost',
        'labHostExec',
        'labIsRunning',
        'labLeftovers',
        'labMounts',
        'labPaths',
        'labProcesses',
        'labStatus',
        'labUp',
        'requireLab',
        'sshArgs',
      ].sort(),
    );
    expect(new TsplayError('LAB_NOT_UP', 'x').code).toBe('LAB_NOT_UP');
  });
});
