/**
 * Issue 27 on lab hosts: become with su and with doas, with a password. controller-0 gets a root
 * password (su), controller-1 a doas rule that asks for admin's password (`permit persist admin as
 * root`, no nopass). The plays converge with `--become-method su|doas` and the password from a file,
 * from the CLI's stdin, or from -K on a pty; root owns the files (stat on the host). `ps -eo args`
 * polled on the host during the runs, the --json events, the -v output and the state files never
 * hold a password. A play's and a task's becomeMethod/becomeUser are proven by owners and argv.
 * afterAll restores both hosts (root's and admin's password entries, no doas.conf).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOutput, lab, labHostExec } from '../helpers/lab.js';
import { BECOME_DIR } from './become-play.js';
import { METHOD_DIR, NOBODY_FILE } from './method-play.js';

const REPO = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const BIN = join(REPO, 'packages', 'cli', 'bin', 'tsplay.js');
const SU_HOST = 'controller-0';
const DOAS_HOST = 'controller-1';
const work = mkdtempSync(join(tmpdir(), 'tsplay-e2e-su-doas-'));
const stateDir = join(work, 'state');
const inventory = join(work, 'hosts.yaml');
const rootPw = `su-${randomBytes(12).toString('hex')}`;
const adminPw = `doas-${randomBytes(12).toString('hex')}`;
const secrets = [rootPw, adminPw];
const saved: Record<string, string> = {};

const env = { ...process.env, TSPLAY_STATE_DIR: stateDir, TSPLAY_PERSIST: '0' };
const args = (playbook: string, host: string, extra: string[]) => [
  BIN,
  'run',
  join(REPO, 'e2e', 'become', playbook),
  '-i',
  inventory,
  '-l',
  host,
  ...extra,
];

interface Watched {
  code: number | null;
  out: string;
  argv: string[];
}

/** Run tsplay (on a pty when `answer` is set: it answers the -K prompt) while polling `ps -eo args` on the host. */
async function runWatched(
  host: string,
  argv: string[],
  opts: { answer?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Watched> {
  const seen: string[] = [];
  let out = '';
  let answered = false;
  const e = opts.env ?? env;
  const child =
    opts.answer === undefined
      ? spawn(process.execPath, argv, { env: e })
      : spawn('script', ['-qec', [process.execPath, ...argv].map((a) => `'${a}'`).join(' '), '/dev/null'], { env: e });
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8');
    if (opts.answer !== undefined && !answered && out.includes('BECOME password:')) {
      answered = true;
      child.stdin.write(`${opts.answer}\r`);
    }
  });
  child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
  if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
  const done = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) seen.push(...(await labHostExec(host, 'ps -eo args', { become: true })).stdout.split('\n'));
  return { code: await done, out, argv: seen };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? filesUnder(join(dir, e)) : [join(dir, e)]));
}

/** No password in any argv seen on the host, in the output, or in a state file. */
function expectNoPassword(r: Watched): void {
  for (const pw of secrets) {
    expect(r.argv.filter((l) => l.includes(pw))).toEqual([]);
    expect(r.out).not.toContain(pw);
    for (const f of filesUnder(stateDir)) expect(readFileSync(f, 'utf8'), f).not.toContain(pw);
  }
}

const owners = (host: string, paths: string) => hostOutput(host, `stat -c '%U %a' ${paths}`, { become: true });

beforeAll(async () => {
  if (!existsSync(join(REPO, 'packages', 'cli', 'dist', 'index.js'))) throw new Error('packages/cli is not built: run `pnpm build`');
  mkdirSync(stateDir, { recursive: true });
  copyFileSync(lab().inventoryFile, inventory);
  // the password field and its last-change day, put back as they were by afterAll
  saved.root = (await hostOutput(SU_HOST, 'getent shadow root | cut -d: -f2,3', { become: true })).trim();
  saved.admin = (await hostOutput(DOAS_HOST, 'getent shadow admin | cut -d: -f2,3', { become: true })).trim();
  await hostOutput(SU_HOST, `printf 'root:%s\\n' '${rootPw}' | chpasswd; rm -rf ${BECOME_DIR}`, { become: true });
  await hostOutput(
    DOAS_HOST,
    `printf 'admin:%s\\n' '${adminPw}' | chpasswd; echo 'permit persist admin as root' > /etc/doas.conf; chmod 0400 /etc/doas.conf; rm -rf ${BECOME_DIR} ${METHOD_DIR} ${NOBODY_FILE}`,
    {
      become: true,
    },
  );
});

afterAll(async () => {
  const restore = (user: string) => {
    const [hash = '!', day = ''] = (saved[user] ?? '').split(':');
    return `usermod -p '${hash || '!'}' ${user}${day ? ` && chage -d ${day} ${user}` : ''}`;
  };
  await labHostExec(SU_HOST, `${restore('root')}; rm -rf ${BECOME_DIR}`, { become: true }).catch(() => undefined);
  await labHostExec(DOAS_HOST, `${restore('admin')}; rm -f /etc/doas.conf ${NOBODY_FILE}; rm -rf ${BECOME_DIR} ${METHOD_DIR}`, {
    become: true,
  }).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('su with a password on a lab host', () => {
  it('a wrong password: BECOME_FAILED, su refused it; nothing is written', async () => {
    const r = await runWatched(SU_HOST, args('become-play.ts', SU_HOST, ['--become-method', 'su', '--become-password-file', '-']), {
      stdin: 'not-the-password\n',
    });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('BECOME_FAILED');
    expect(r.out).toContain('su refused the become password');
    expect((await labHostExec(SU_HOST, `test -e ${BECOME_DIR} && echo present || echo absent`, { become: true })).stdout).toBe('absent\n');
  });

  it('--become-password-file and the CLI stdin: converges as root; no password in argv, events, -v output or state', async () => {
    const pwFile = join(work, 'root-pw');
    writeFileSync(pwFile, `${rootPw}\n`, { mode: 0o600 });
    const json = await runWatched(
      SU_HOST,
      args('become-play.ts', SU_HOST, ['--become-method', 'su', '--become-password-file', pwFile, '--json']),
    );
    expect(json.code, json.out).toBe(0);
    const verbose = await runWatched(
      SU_HOST,
      args('become-play.ts', SU_HOST, ['--become-method', 'su', '--become-password-file', '-', '-v', '--diff']),
      { stdin: `${rootPw}\n` },
    );
    expect(verbose.code, verbose.out).toBe(0);
    expect(await owners(SU_HOST, `${BECOME_DIR} ${BECOME_DIR}/proof`)).toBe('root 700\nroot 640\n');
    expect(await hostOutput(SU_HOST, `cat ${BECOME_DIR}/uid`, { become: true })).toBe('0\n');
    expect(
      [...json.argv, ...verbose.argv].some((l) => l.includes('su root -s /bin/sh -c')),
      'the poll saw su',
    ).toBe(true);
    expect(json.out + verbose.out).not.toContain('Password:');
    expectNoPassword(json);
    expectNoPassword(verbose);
  });
});

describe('doas with a password on a lab host', () => {
  it('a wrong password: BECOME_FAILED, doas refused it', async () => {
    const r = await runWatched(DOAS_HOST, args('become-play.ts', DOAS_HOST, ['--become-method', 'doas', '--become-password-file', '-']), {
      stdin: 'not-the-password\n',
    });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('BECOME_FAILED');
    expect(r.out).toContain('doas refused the become password');
  });

  it('-K on a terminal: one prompt, converges as root through doas on a pty; no password anywhere', async () => {
    const r = await runWatched(DOAS_HOST, args('become-play.ts', DOAS_HOST, ['--become-method', 'doas', '-K', '-v']), { answer: adminPw });
    expect(r.code, r.out).toBe(0);
    expect(r.out.match(/BECOME password:/g)).toHaveLength(1);
    expect(r.out).not.toMatch(/doas \(admin@/);
    expect(await owners(DOAS_HOST, `${BECOME_DIR} ${BECOME_DIR}/proof`)).toBe('root 700\nroot 640\n');
    expect(
      r.argv.some((l) => l.startsWith('script -qec exec doas /bin/sh -c')),
      'the poll saw doas on a pty',
    ).toBe(true);
    expectNoPassword(r);
  });

  it('becomeMethod doas on the play, sudo as nobody on a task (persistence on): owners and argv prove each', async () => {
    const pwFile = join(work, 'admin-pw');
    writeFileSync(pwFile, `${adminPw}\n`, { mode: 0o600 });
    const r = await runWatched(DOAS_HOST, args('method-play.ts', DOAS_HOST, ['--become-password-file', pwFile, '--json']), {
      env: { ...env, TSPLAY_PERSIST: '60' },
    });
    expect(r.code, r.out).toBe(0);
    // doas.conf permits admin as root only: a file of nobody's was written through sudo
    expect(await owners(DOAS_HOST, METHOD_DIR)).toBe('root 700\n');
    expect(await hostOutput(DOAS_HOST, `stat -c %U ${NOBODY_FILE}; cat ${METHOD_DIR}/uid ${NOBODY_FILE}`, { become: true })).toBe(
      'nobody\n0\nnobody\n',
    );
    expect(
      r.argv.some((l) => l.includes('exec doas /bin/sh -c') && l.includes('id -u >')),
      'the play ran its command through doas on a pty',
    ).toBe(true);
    expectNoPassword(r);
  });
});
