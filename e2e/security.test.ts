/**
 * Issue 9, security on the lab: secrets (`Secret`, `copy` with `secret: true`, key files, secret
 * headers, template vars) never appear in stdout, stderr, NDJSON, diffs, error messages or the
 * workstation state, in clean, rotated, --check, -v, --diff, TTY and failing runs; the lab's private
 * keys are 0600; nothing of this project listens on a non-loopback address of the root namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ETCD_TARBALL, ETCD_URL_BASE, ETCD_VERSION } from '@tsplay/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOLD_DIR, SECRETS_DIR as DIR } from './bad-input/constants.js';
import { isLoopback, ownedByProject, rootListeners, type Listener } from './bad-input/listeners.js';
import { hostOutput, lab, onAllHosts } from './helpers/lab.js';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const BIN = join(REPO, 'packages', 'cli', 'bin', 'tsplay.js');
const SECRETS = join(REPO, 'e2e', 'bad-input', 'secrets.ts');
const HOLD = join(REPO, 'e2e', 'bad-input', 'hold.ts');

interface Run {
  label: string;
  code: number | null;
  out: Buffer;
}

let stateDir: string;
let env: Record<string, string>;
const secret1 = `s1-${randomBytes(16).toString('hex')}`;
const secret2 = `s2-${randomBytes(16).toString('hex')}`;
const runs: Run[] = [];

/** Every private key of the lab, whole and line by line (PEM/OpenSSH bodies), and the secrets, raw and base64. */
function needles(): { what: string; bytes: Buffer }[] {
  const { paths } = lab();
  const keys = [paths.privateKey, paths.key, paths.caKey, join(paths.stateDir, 'pki', 'fileserver-key.pem')];
  const out: { what: string; bytes: Buffer }[] = [];
  for (const k of keys) {
    const text = readFileSync(k, 'utf8');
    out.push({ what: k, bytes: Buffer.from(text) });
    for (const line of text.split('\n'))
      if (line.length >= 16 && !line.startsWith('-----')) out.push({ what: `a line of ${k}`, bytes: Buffer.from(line) });
  }
  for (const s of [secret1, secret2]) {
    out.push(
      { what: 'the secret', bytes: Buffer.from(s) },
      { what: 'the secret in base64', bytes: Buffer.from(Buffer.from(s).toString('base64').slice(0, 40)) },
    );
  }
  return out;
}

function expectNoSecret(where: string, bytes: Buffer): void {
  for (const n of needles()) expect(bytes.indexOf(n.bytes), `${n.what} appears in ${where}`).toBe(-1);
}

/** Run the CLI (optionally under a pseudo-terminal via script(1)), keeping every byte of stdout+stderr. */
function tsplay(label: string, args: string[], extra: Record<string, string> = {}, opts: { tty?: boolean } = {}): Promise<Run> {
  const argv = [BIN, ...args];
  const [cmd, cmdArgs] = opts.tty
    ? ['script', ['-qec', [process.execPath, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' '), '/dev/null']]
    : [process.execPath, argv];
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs as string[], { env: { ...process.env, ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    child.on('close', (code) => {
      const r = { label, code, out: Buffer.concat(chunks) };
      runs.push(r);
      resolve(r);
    });
  });
}

beforeAll(async () => {
  const l = lab();
  if (!existsSync(join(REPO, 'packages', 'cli', 'dist', 'index.js'))) throw new Error('packages/cli is not built: run `pnpm build`');
  stateDir = mkdtempSync(join(tmpdir(), 'tsplay-e2e-security-'));
  env = {
    TSPLAY_STATE_DIR: stateDir,
    TSPLAY_E2E_KEY: l.paths.key,
    TSPLAY_E2E_URL: `${ETCD_URL_BASE}/v${ETCD_VERSION}/${ETCD_TARBALL}`,
    TSPLAY_E2E_SHA: l.tarballSha256,
  };
  await onAllHosts(`rm -rf ${DIR} ${HOLD_DIR}`, { become: true });
});

afterAll(async () => {
  await onAllHosts(`rm -rf ${DIR} ${HOLD_DIR}`, { become: true }).catch(() => undefined);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('secrets never appear in any output', () => {
  const inv = () => ['-i', lab().inventoryFile];

  it('a first run (--json) puts the secrets on the hosts, mode 0600, and prints none of them', async () => {
    const marker = `plain-${randomBytes(8).toString('hex')}`;
    const r = await tsplay('first --json', ['run', SECRETS, ...inv(), '--json'], { TSPLAY_E2E_SECRET: secret1, TSPLAY_E2E_MARKER: marker });
    expect(r.code, r.out.toString()).toBe(0);
    // the scanned bytes do hold the tasks' output: the plain value echoed beside the token is there, the token is not
    expect(r.out.toString()).toContain(`token is *** marker ${marker}`);
    const events = r.out
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; task?: string; status?: string; stdout?: string });
    const printed = events.filter((e) => e.type === 'task.result' && e.task === 'print the secret files');
    expect(printed.map((e) => e.status)).toEqual(lab().hosts.map(() => 'ok'));
    expect(printed.every((e) => e.stdout?.includes('***'))).toBe(true);
    for (const h of lab().hosts) {
      expect(await hostOutput(h.index, `cat ${DIR}/token`, { become: true })).toBe(secret1);
      expect(
        await hostOutput(h.index, `stat -c '%a %n' ${DIR}/token ${DIR}/token.conf ${DIR}/key.pem ${DIR}/token.service`, { become: true }),
      ).toBe(['token', 'token.conf', 'key.pem', 'token.service'].map((f) => `600 ${DIR}/${f}`).join('\n') + '\n');
    }
    expectNoSecret(r.label, r.out);
  });

  it('a converged run with --diff -v and with a TTY (script(1)) reports no change and no secret', async () => {
    const plain = await tsplay('converged --diff -v', ['run', SECRETS, ...inv(), '--diff', '-v'], { TSPLAY_E2E_SECRET: secret1 });
    expect(plain.code, plain.out.toString()).toBe(0);
    expect(plain.out.toString()).toContain('***');
    const tty = await tsplay(
      'converged tty --diff -v',
      ['run', SECRETS, ...inv(), '--diff', '-v'],
      { TSPLAY_E2E_SECRET: secret1 },
      { tty: true },
    );
    expect(tty.code, tty.out.toString()).toBe(0);
    expect(tty.out.toString(), 'the TTY reporter ran (ANSI styles)').toContain('\x1b[');
    for (const r of [plain, tty]) expectNoSecret(r.label, r.out);
  });

  it('a rotated secret: --check --diff (json and plain) then the real run with --diff show <secret>, not the values', async () => {
    const check = await tsplay('rotated --check --diff --json', ['run', SECRETS, ...inv(), '--check', '--diff', '--json'], {
      TSPLAY_E2E_SECRET: secret2,
      TSPLAY_E2E_NOPRINT: '1',
    });
    expect(check.code, check.out.toString()).toBe(0);
    const diffs = check.out
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; diff?: { before?: string; after?: string }[] })
      .flatMap((e) => e.diff ?? []);
    expect(
      diffs.filter((d) => d.before === '<secret>' && d.after === '<secret>').length,
      'token, token.conf, token.service on every host (key.pem is the same key)',
    ).toBe(3 * lab().hosts.length);
    const checkPlain = await tsplay('rotated --check -v --diff', ['run', SECRETS, ...inv(), '--check', '--diff', '-v'], {
      TSPLAY_E2E_SECRET: secret2,
      TSPLAY_E2E_NOPRINT: '1',
    });
    expect(checkPlain.code, checkPlain.out.toString()).toBe(0);
    const real = await tsplay('rotated --diff -v', ['run', SECRETS, ...inv(), '--diff', '-v'], { TSPLAY_E2E_SECRET: secret2 });
    expect(real.code, real.out.toString()).toBe(0);
    expect(await hostOutput(0, `cat ${DIR}/token`, { become: true })).toBe(secret2);
    for (const r of [check, checkPlain, real]) expectNoSecret(r.label, r.out);
  });

  it('failing runs (a write into a missing dir; validate, checksum and a command failing with the secret in their output)', async () => {
    const early = await tsplay('fail early --json -v', ['run', SECRETS, ...inv(), '--json', '-v'], {
      TSPLAY_E2E_SECRET: secret2,
      TSPLAY_E2E_FAIL: 'early',
    });
    expect(early.code, early.out.toString()).toBe(2);
    for (const mode of [['--json'], ['--diff', '-v']]) {
      const late = await tsplay(`fail late ${mode.join(' ')}`, ['run', SECRETS, ...inv(), ...mode], {
        TSPLAY_E2E_SECRET: secret2,
        TSPLAY_E2E_FAIL: 'late',
      });
      expect(late.code, late.out.toString()).toBe(2);
      const text = late.out.toString();
      expect(text).toMatch(/CHECKSUM_MISMATCH/);
      expect(text).toMatch(/VALIDATE_FAILED/);
      expect(text).toMatch(/exit 7/);
      expectNoSecret(late.label, late.out);
    }
    expectNoSecret(early.label, early.out);
  });

  it('the workstation state written by these runs holds no secret either', () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (f: string) => files.push(f))(join(d, e.name));
    };
    walk(stateDir);
    for (const f of files) expectNoSecret(f, readFileSync(f));
    expect(runs.length).toBeGreaterThanOrEqual(9);
  });
});

describe('keys and listeners', () => {
  it("the lab's private keys are 0600 (root's), in a 0700 pki directory", () => {
    const { paths } = lab();
    for (const k of [paths.privateKey, paths.key, paths.caKey, join(paths.stateDir, 'pki', 'fileserver-key.pem')]) {
      const st = statSync(k);
      expect((st.mode & 0o777).toString(8), k).toBe('600');
      expect(st.uid, k).toBe(0);
    }
    expect((statSync(join(paths.stateDir, 'pki')).mode & 0o777).toString(8)).toBe('700');
  });

  it('while tsplay is connected to the lab, nothing of this project listens on a non-loopback address of the root namespace', async (ctx) => {
    const child = spawn(process.execPath, [BIN, 'run', HOLD, '-i', lab().inventoryFile, '--json'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let snapshot: Listener[] = [];
    try {
      await untilEvent(child, (e) => e.type === 'task.start' && e.task === 'wait for release');
      snapshot = rootListeners();
    } finally {
      await onAllHosts(`touch ${HOLD_DIR}/release`, { become: true });
    }
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    const marks = { self: process.pid, repo: REPO, stateDir: lab().paths.stateDir };
    const ours = snapshot.filter((l) => l.pids.some((p) => ownedByProject(p, marks)));
    const others = snapshot.filter((l) => !ours.includes(l));
    ctx.annotate(
      `root-namespace listeners not owned by this project: ${JSON.stringify(others.map((l) => `${l.proto} ${l.address}:${l.port} ${l.commands.join(',') || '(process not visible)'}`))}`,
    );
    expect(ours.filter((l) => !isLoopback(l.address)).map((l) => `${l.proto} ${l.address}:${l.port} ${l.commands.join(',')}`)).toEqual([]);
    // tsplay itself opens no listening socket at all
    expect(snapshot.filter((l) => child.pid !== undefined && l.pids.includes(child.pid))).toEqual([]);
  });
});

function untilEvent(child: ChildProcess, pred: (e: { type: string; task?: string }) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (l) => {
      if (pred(JSON.parse(l) as { type: string; task?: string })) resolve();
    });
    child.on('close', (code) => reject(new Error(`tsplay exited (${code}) before the awaited event`)));
  });
}
