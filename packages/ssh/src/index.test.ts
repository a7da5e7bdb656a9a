import { describe, expect, it } from 'vitest';
import * as api from './index.js';
import * as testing from './testing/index.js';

describe('@tsplay/ssh public surface', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'DEFAULT_CONNECT_TIMEOUT_MS',
        'DEFAULT_SERVER_ALIVE_COUNT_MAX',
        'DEFAULT_SERVER_ALIVE_INTERVAL',
        'RUN_LOCK_DIR',
        'acquireRunLock',
        'describeHolder',
        'parseBusyLine',
        'runLockScript',
        'MAX_CHANNELS',
        'SshConnection',
        'checkHostKey',
        'connectSsh',
        'expandTokens',
        'fingerprint',
        'hostFieldMatches',
        'keyType',
        'knownHostName',
        'knownHostsLine',
        'lookupSshConfig',
        'matchPatternList',
        'parseJumpHop',
        'parseKnownHosts',
        'parseSshConfig',
        'putScript',
        'resolveTarget',
        'sshTransport',
        // persist
        'connectPersisted',
        'persistSeconds',
        'startPersistDaemon',
        'runPersistDaemon',
        'PersistedConnection',
        'persistDir',
        'PERSIST_PROTOCOL',
      ].sort(),
    );
    expect(api.sshTransport.kind).toBe('ssh');
    expect(api.sshTransport.connect).toBe(api.connectSsh);
    expect(api.MAX_CHANNELS).toBeLessThan(10);
  });

  it('keeps the sshd harness out of the main entry', () => {
    expect(Object.keys(testing).sort()).toEqual([
      'createTestUser',
      'freePort',
      'generateKey',
      'removeTestUser',
      'run',
      'startAgent',
      'startBlackhole',
      'startSshd',
    ]);
    expect(Object.keys(api)).not.toContain('startSshd');
  });
});
