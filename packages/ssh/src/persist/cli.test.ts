import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../testing/index.js';

const here = dirname(fileURLToPath(import.meta.url));
// The built CLI (packages/cli: run `pnpm build` first); it starts the daemon itself.
const bin = join(here, '..', '..', '..', 'cli', 'bin', 'tsplay.js');
const fixtures = join(here, '..', '..', '..', 'cli', 'src', 'fixtures');
let sshd: TestSshd;
let dir: string;
let inventory: string;

beforeAll(async () => {
  sshd = await startSshd();
  await sshd.authorize('root');
  dir = await mkdtemp(join(tmpdir(), 'tsplay-cli-persist-'));
  inventory = join(dir, 'hosts.yaml');
  const s = sshd.spec('root');
  await writeFile(
    inventory,
    [
      `vars: { dir: ${join(dir, 'work')} }`,
      'hosts:',
      `  one: { address: 127.0.0.1, port: ${sshd.port}, user: root, privateKeyPath: ${s.privateKeyPath}, knownHosts: ${sshd.knownHosts}, sshConfigFile: ${s.sshConfigPath} }`,
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  // Stop the daemon these runs started (its pid is in daemon.json), then the sshd.
  // One daemon per CLI build, in <dir>/<build>/daemon.json.
  for (const base of [join(dir, 'persist'), join(dir, 'persist-resident')])
    for (const b of existsSync(base) ? readdirSync(base) : []) {
      const info = join(base, b, 'daemon.json');
      if (existsSync(info)) process.kill((JSON.parse(readFileSync(info, 'utf8')) as { pid: number }).pid, 'SIGTERM');
    }
  await sshd?.stop();
  await rm(dir, { recursive: true, force: true });
});

const accepted = (): number =>
  sshd
    .log()
    .split('\n')
    .filter((l) => l.includes('Accepted publickey')).length;

/** Async (not spawnSync): the sshd's log is read by this process while the run goes on. */
function tsplay(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          TSPLAY_STATE_DIR: join(dir, 'state'),
          TSPLAY_CACHE_DIR: join(dir, 'cache'),
          TSPLAY_PERSIST_DIR: join(dir, 'persist'),
          ...env,
        },
      },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
/** sshd logs the login a moment after the client saw it succeed. */
const settle = () => new Promise((r) => setTimeout(r, 300));

const run = (extra: string[] = [], env: Record<string, string> = {}) =>
  tsplay(['run', join(fixtures, 'features.ts'), '-i', inventory, '--json', ...extra], env);

describe('tsplay run --persist: the daemon as the CLI starts it (built bin, the test sshd)', () => {
  it('a second run logs in no more: the daemon kept the connection; --persist 0 and TSPLAY_PERSIST=0 log in each time', async () => {
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    await settle();
    const afterFirst = accepted();
    expect(afterFirst).toBeGreaterThan(0);
    expect((await stat(join(dir, 'persist'))).mode & 0o777).toBe(0o700);
    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    await settle();
    expect(accepted()).toBe(afterFirst);
    expect((await run(['--persist', '0'])).code).toBe(0);
    await settle();
    expect(accepted()).toBe(afterFirst + 1);
    expect((await run([], { TSPLAY_PERSIST: '0' })).code).toBe(0);
    await settle();
    expect(accepted()).toBe(afterFirst + 2);
  });

  it('the resident runner (on by default): the first run starts the daemon and is hosted by it; so is the second, whose host leases the pooled connection in process (no new login)', async () => {
    const env = { TSPLAY_PERSIST_DIR: join(dir, 'persist-resident') };
    const first = await run(['-v'], env);
    expect([first.code, first.stderr]).toEqual([0, '']); // under -v a run in its own process would say why
    expect(
      readdirSync(join(dir, 'persist-resident')).filter((b) => existsSync(join(dir, 'persist-resident', b, 'daemon.json'))),
    ).toHaveLength(1);
    await settle();
    const before = accepted();
    const second = await run(['-v'], env);
    expect([second.code, second.stderr]).toEqual([0, '']);
    expect(second.stdout).toContain('"type":"recap"');
    await settle();
    expect(accepted()).toBe(before);
    // the hosted run's lock went with its lease: a third run takes it again at once (--wait-lock 0)
    const third = await run(['-v'], env);
    expect([third.code, third.stderr]).toEqual([0, '']);
  });
});
