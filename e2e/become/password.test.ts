/**
 * Issue 27 (become with a password) on a lab host: a user `pwuser` whose sudo rule asks for a
 * password. Without one the run is BECOME_FAILED; with --become-password-file or -K (answered on a
 * pty) the play converges: root owns the files (stat on the host). `ps -eo args` polled on the host
 * during the run, the --json events, the -v output and the state files never hold the password.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOutput, lab, labHostExec } from '../helpers/lab.js';
import { addPasswordSudoUser, removeSudoUser } from '../helpers/sudo-user.js';
import { BECOME_DIR } from './become-play.js';

const REPO = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const BIN = join(REPO, 'packages', 'cli', 'bin', 'tsplay.js');
const PLAYBOOK = join(REPO, 'e2e', 'become', 'become-play.ts');
const HOST = 'controller-2';
const USER = 'tsplaypw';
const work = mkdtempSync(join(tmpdir(), 'tsplay-e2e-become-'));
const stateDir = join(work, 'state');
const password = `bp-${randomBytes(12).toString('hex')}`;
const inventory = join(work, 'hosts.yaml');
const pwFile = join(work, 'pw');

const args = (extra: string[]) => [BIN, 'run', PLAYBOOK, '-i', inventory, '-l', HOST, '-u', USER, ...extra];
const env = { ...process.env, TSPLAY_STATE_DIR: stateDir, TSPLAY_PERSIST: '0' };

/** Run tsplay while polling `ps -eo args` on the host; every argv seen is returned. */
async function runWatched(extra: string[], answer?: string): Promise<{ code: number | null; out: string; argv: string[] }> {
  const argv: string[] = [];
  let out = '';
  const child =
    answer === undefined
      ? spawn(process.execPath, args(extra), { env })
      : spawn('script', ['-qec', [process.execPath, ...args(extra)].map((a) => `'${a}'`).join(' '), '/dev/null'], { env });
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8');
    if (answer !== undefined && out.includes('BECOME password:') && !out.includes('\u0000sent')) {
      out += '\u0000sent';
      child.stdin.write(`${answer}\r`);
    }
  });
  child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const done = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) {
    const ps = await labHostExec(HOST, 'ps -eo args', { become: true });
    argv.push(...ps.stdout.split('\n'));
  }
  return { code: await done, out, argv };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? filesUnder(join(dir, e)) : [join(dir, e)]));
}

const reset = () => labHostExec(HOST, `rm -rf ${BECOME_DIR}`, { become: true });

beforeAll(async () => {
  if (!existsSync(join(REPO, 'packages', 'cli', 'dist', 'index.js'))) throw new Error('packages/cli is not built: run `pnpm build`');
  mkdirSync(stateDir, { recursive: true });
  copyFileSync(lab().inventoryFile, inventory);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  await addPasswordSudoUser(HOST, USER, password);
  await reset();
});

afterAll(async () => {
  await reset().catch(() => undefined);
  await removeSudoUser(HOST, USER).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('become with a password on a lab host', () => {
  it('without a password: BECOME_FAILED with the -K hint; nothing is written', async () => {
    await reset();
    const r = spawnSync(process.execPath, args(['--json']), { env, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('BECOME_FAILED');
    expect(r.stdout + r.stderr).toContain('-K');
    expect((await labHostExec(HOST, `test -e ${BECOME_DIR} && echo present || echo absent`, { become: true })).stdout.trim()).toBe(
      'absent',
    );
  });

  it('a wrong password: BECOME_FAILED, the password refused', async () => {
    const bad = join(work, 'bad');
    writeFileSync(bad, 'not-the-password\n');
    const r = spawnSync(process.execPath, args(['--become-password-file', bad]), { env, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/BECOME_FAILED[\s\S]*refused the become password|refused the become password[\s\S]*BECOME_FAILED/);
  });

  it('--become-password-file: converges as root; the password is in no argv on the host, no event, no -v output, no state file', async () => {
    await reset();
    const json = await runWatched(['--become-password-file', pwFile, '--json']);
    expect(json.code, json.out).toBe(0);
    const verbose = await runWatched(['--become-password-file', pwFile, '-v', '--diff']);
    expect(verbose.code, verbose.out).toBe(0);
    expect(await hostOutput(HOST, `stat -c '%U %a' ${BECOME_DIR} ${BECOME_DIR}/proof; cat ${BECOME_DIR}/uid`, { become: true })).toBe(
      'root 700\nroot 640\n0\n',
    );
    const seen = [...json.argv, ...verbose.argv];
    expect(
      seen.some((l) => l.includes('sudo -k -S')),
      'the poll saw the become command line',
    ).toBe(true);
    expect(seen.filter((l) => l.includes(password))).toEqual([]);
    expect(json.out).not.toContain(password);
    expect(verbose.out).not.toContain(password);
    // a run without handlers may leave no state file; any it leaves must not hold the password
    for (const f of filesUnder(stateDir)) expect(readFileSync(f, 'utf8'), f).not.toContain(password);
  });

  it('-K: one hidden prompt on the terminal, then the play converges', async () => {
    await reset();
    const r = await runWatched(['-K'], password);
    expect(r.code, r.out).toBe(0);
    expect(r.out.match(/BECOME password:/g)).toHaveLength(1);
    expect(r.out).not.toContain(password);
    expect(r.argv.filter((l) => l.includes(password))).toEqual([]);
    expect(await hostOutput(HOST, `stat -c '%U' ${BECOME_DIR}/proof; cat ${BECOME_DIR}/uid`, { become: true })).toBe('root\n0\n');
  });
});
