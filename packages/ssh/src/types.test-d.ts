import type { Connection, ResolvedHost } from '@tsplay/core';
import { describe, expectTypeOf, it } from 'vitest';
import { acquireRunLock, connectSsh, type RunLock, type SshHostSpec, type SshTarget } from './index.js';

describe('@tsplay/ssh types', () => {
  it('takes the keepalive, ssh config and host key alias fields the inventory resolves', () => {
    expectTypeOf<SshHostSpec['serverAliveInterval']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SshHostSpec['serverAliveCountMax']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SshHostSpec['hostKeyAlias']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ResolvedHost['sshConfigFile']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ResolvedHost['hostKeyAlias']>().toEqualTypeOf<SshHostSpec['hostKeyAlias']>();
    expectTypeOf<SshTarget['keepaliveIntervalMs']>().toBeNumber();
    // @ts-expect-error seconds are a number, not a duration string
    const bad: SshHostSpec = { name: 'a', address: 'b', serverAliveInterval: '5s' };
    void bad;
  });

  it('locks any Connection and returns a RunLock', () => {
    expectTypeOf(acquireRunLock).parameter(0).toEqualTypeOf<Connection>();
    expectTypeOf(acquireRunLock).returns.resolves.toEqualTypeOf<RunLock>();
    expectTypeOf(connectSsh).returns.resolves.toMatchTypeOf<Connection>();
    // @ts-expect-error waitMs is required (0 means: fail at once)
    void acquireRunLock({} as Connection, { playbook: 'p' });
  });
});
