import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Overlay } from '@tsplay/core/module';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, ok, run, tempDir } from '../common/testing.js';
import { copy } from '../copy/index.js';
import { planTable } from '../kit/harness.js';
import { waitFor } from './index.js';

afterAll(cleanup);

planTable(
  waitFor,
  [
    {
      name: 'a path',
      args: { path: '/run/x.pid' },
      facts: {},
      plan: { changed: false, run: true, summary: 'wait for /run/x.pid to exist', data: { check: '[ -e /run/x.pid ]' } },
    },
    {
      name: 'a regex in a file',
      args: { path: '/var/log/x', regex: 'ready$' },
      facts: {},
      plan: { summary: 'wait for /ready$/ in /var/log/x' },
    },
    { name: 'both port and path is an args error', args: { port: 22, path: '/x' }, error: { code: 'ARGS_INVALID', field: 'port' } },
    { name: 'a port cannot be absent', args: { port: 22, state: 'absent' }, error: { code: 'ARGS_INVALID', field: 'state' } },
  ],
  { it, expect },
);

describe('wait_for on the local host', () => {
  it('waits for a listening port and for a line written later', async () => {
    const srv = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const port = (srv.address() as { port: number }).port;
    try {
      expect(ok(await run(waitFor, { port, timeoutMs: 20_000 })).outcome.status).toBe('ok');
    } finally {
      srv.close();
    }
    const path = join(tempDir(), 'log');
    writeFileSync(path, 'starting\n');
    setTimeout(() => writeFileSync(path, 'starting\nready\n'), 300);
    const e = ok(await run(waitFor, { path, regex: '^ready$', intervalMs: 100, timeoutMs: 60_000 }));
    expect((e.outcome.data as { attempts: number }).attempts).toBeGreaterThan(1);
  });
  it('times out with WAIT_TIMEOUT', async () => {
    const e = await run(waitFor, { path: join(tempDir(), 'never'), timeoutMs: 300, intervalMs: 100 });
    expect(e.error?.code).toBe('WAIT_TIMEOUT');
  });
  it('is unknown in check mode when an earlier task would create the path', async () => {
    const overlay = new Overlay();
    const path = join(tempDir(), 'made');
    ok(await run(copy, { dest: path, content: 'x' }, { check: true, overlay }));
    const e = await run(waitFor, { path, timeoutMs: 300, intervalMs: 100 }, { check: true, overlay });
    expect(e.outcome.status).toBe('unknown');
  });
});
