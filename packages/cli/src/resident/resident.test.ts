import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The resident runner end to end with the built bin (on by default) on a `connection: local` host: no lab.
// Which process ran a run is read from the kernel: the task prints its first node ancestor (/proc), which is
// the daemon (daemon.json's pid, `__persist-daemon` on its command line) when hosted, the client otherwise.
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'tsplay.js');
const root = mkdtempSync(join(tmpdir(), 'tsplay-resident-cli-'));
const persist = join(root, 'persist');
const NODE_ANCESTOR =
  'p=$$; while [ "$p" -gt 1 ]; do case "$(readlink /proc/$p/exe)" in */node*) echo "node=$p"; break;; esac; p=$(cut -d" " -f4 /proc/$p/stat); done';

function playbook(name: string, tasks: string): void {
  writeFileSync(
    join(root, name),
    `import { definePlaybook, task } from '@tsplay/core';
import { command } from '@tsplay/modules';
import { value } from 'dep';
export default definePlaybook({ name: '${name}', plays: [{ name: 'p', hosts: 'all', tasks: [${tasks}] }] });
void value;
`,
  );
}
const probe = (extra = '') =>
  `task(command, () => ({ argv: ['sh', '-c', ${JSON.stringify(`${NODE_ANCESTOR}; echo "foo=\${FOO-unset} cwd=$(pwd) dep=$DEP"${extra}`)}], env: { DEP: value }, readOnly: true }), { name: 'probe' })`;

beforeAll(() => {
  mkdirSync(join(root, 'node_modules', 'dep'), { recursive: true });
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'node_modules', 'dep', 'package.json'), '{"name":"dep","type":"module","exports":"./index.js"}\n');
  writeFileSync(join(root, 'node_modules', 'dep', 'index.js'), "export const value = 'one';\n");
  writeFileSync(join(root, 'hosts.yaml'), 'defaults: { connection: local }\nhosts:\n  one: {}\n');
  playbook('probe.ts', probe());
  playbook('fails.ts', `${probe()}, task(command, () => ({ argv: ['sh', '-c', 'echo broken >&2; exit 3'] }), { name: 'fails' })`);
  playbook(
    'slow.ts',
    `${probe()}, task(command, () => ({ argv: ['sleep', '2'] }), { name: 'slow' }), task(command, () => ({ argv: ['true'], readOnly: true }), { name: 'never started' })`,
  );
});
afterAll(() => {
  for (const pid of daemons()) process.kill(pid, 'SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

/** The pids published in every build directory under `persist`. */
function daemons(): number[] {
  if (!existsSync(persist)) return [];
  return readdirSync(persist)
    .map((b) => join(persist, b, 'daemon.json'))
    .filter((f) => existsSync(f))
    .map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { pid: number }).pid);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  child: ChildProcess;
}
/** A small env of its own (not vitest's): the state, cache and persist directories of this test. */
const baseEnv = () => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/root',
  TSPLAY_STATE_DIR: join(root, 'state'),
  TSPLAY_CACHE_DIR: join(root, 'cache'),
  TSPLAY_PERSIST_DIR: persist,
});
function tsplay(args: string[], env: Record<string, string> = {}, cwd = root, onOut?: (s: string, c: ChildProcess) => void): Promise<Run> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...baseEnv(), ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    stdout += b;
    onOut?.(stdout, child);
  });
  child.stderr.on('data', (b: Buffer) => (stderr += b));
  return new Promise((r) => child.on('close', (code) => r({ code, stdout, stderr, child })));
}
const run = (pb: string, extra: string[] = [], env: Record<string, string> = {}, cwd = root) =>
  tsplay(['run', join(root, pb), '-i', join(root, 'hosts.yaml'), '--json', '-v', ...extra], env, cwd);

/** The probe task's line: node=PID foo=... cwd=... dep=... */
function probed(r: Run): { node: number; line: string } {
  const ev = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; task?: string; stdout?: string })
    .find((e) => e.type === 'task.result' && e.task === 'probe');
  const [node, line] = (ev?.stdout ?? '').split('\n');
  return { node: Number(node?.replace('node=', '')), line: line ?? '' };
}
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');

let daemon = 0;
describe('resident runner (built bin, on by default)', () => {
  it('with no daemon up the run starts one and is hosted by it (not its own process); the next runs too, each with its own env', async () => {
    expect(daemons()).toEqual([]);
    const first = await run('probe.ts', [], { FOO: 'first' });
    [daemon] = daemons() as [number];
    expect(cmdline(daemon)).toContain('__persist-daemon');
    expect([first.code, first.stderr, probed(first)]).toEqual([0, '', { node: daemon, line: `foo=first cwd=${root} dep=one` }]);
    expect(daemon).not.toBe(first.child.pid);
    const a = await run('probe.ts', [], { FOO: 'second' });
    const b = await run('probe.ts');
    expect([a.code, probed(a), b.code, probed(b)]).toEqual([
      0,
      { node: daemon, line: `foo=second cwd=${root} dep=one` },
      0,
      { node: daemon, line: `foo=unset cwd=${root} dep=one` },
    ]);
    expect(a.stderr + b.stderr).toBe('');
  });

  it("the run's cwd is the client's (a relative playbook path too)", async () => {
    const r = await tsplay(['run', '../probe.ts', '-i', '../hosts.yaml', '--json'], {}, join(root, 'sub'));
    expect([r.code, probed(r)]).toEqual([0, { node: daemon, line: `foo=unset cwd=${join(root, 'sub')} dep=one` }]);
  });

  it("exit code, stdout's events and stderr are the run's own, as without the daemon", async () => {
    const hosted = await run('fails.ts');
    const own = await run('fails.ts', [], { TSPLAY_RESIDENT: '0' });
    expect(probed(hosted).node).toBe(daemon);
    expect(probed(own).node).toBe(own.child.pid);
    const shape = (r: Run) =>
      r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { type: string; status?: string }).type);
    // under -v the run in its own process says why it is (TSPLAY_RESIDENT=0); the rest of stderr is the same
    const ownStderr = own.stderr.replace('tsplay: resident runner not used: TSPLAY_RESIDENT is 0\n', '');
    expect(ownStderr).not.toBe(own.stderr);
    expect([hosted.code, hosted.stderr, shape(hosted)]).toEqual([own.code, ownStderr, shape(own)]);
    expect(hosted.code).not.toBe(0);
    const nope = ['run', join(root, 'nope.ts'), '-i', join(root, 'hosts.yaml')];
    const missing = await tsplay(nope);
    const missingOwn = await tsplay(nope, { TSPLAY_RESIDENT: '0' });
    expect([missing.code, missing.stderr]).toEqual([1, missingOwn.stderr]);
    expect(missing.stderr).toContain('error[PLAYBOOK_NOT_FOUND]');
  });

  it('Ctrl-C reaches the hosted run: the task in flight finishes, nothing else starts, exit 130', async () => {
    let sent = false;
    const r = await tsplay(['run', join(root, 'slow.ts'), '-i', join(root, 'hosts.yaml'), '--json'], {}, root, (out, c) => {
      if (!sent && out.includes('"type":"task.start","play":"p","task":"slow"')) {
        sent = true;
        c.kill('SIGINT');
      }
    });
    const events = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; task?: string; interrupted?: boolean });
    expect(r.code).toBe(130);
    expect(probed(r).node).toBe(daemon);
    expect(r.stderr).toContain('interrupt: finishing the tasks in flight');
    expect(events.filter((e) => e.type === 'task.result' && e.task === 'slow').map((e) => (e as { status?: string }).status)).toEqual([
      'changed',
    ]);
    expect(events.some((e) => e.task === 'never started')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'recap', interrupted: true });
  });

  it('runs that may prompt or that persistence is off for stay in their own process, and say why under -v', async () => {
    const step = await run('probe.ts', ['--become-password-file', '/dev/null']);
    const off = await run('probe.ts', [], { TSPLAY_PERSIST: '0' });
    const optedOut = await run('probe.ts', [], { TSPLAY_RESIDENT: 'off' });
    expect([step.code, probed(step).node, off.code, probed(off).node]).toEqual([0, step.child.pid, 0, off.child.pid]);
    expect([optedOut.code, probed(optedOut).node]).toEqual([0, optedOut.child.pid]);
    expect(step.stderr).toContain('resident runner not used: a become password is given');
    expect(off.stderr).toContain('resident runner not used: persistence is off');
    expect(optedOut.stderr).toContain('resident runner not used: TSPLAY_RESIDENT is off');
    // `-e @/dev/stdin` (a shell's pipe): the client's stdin, which the daemon does not have
    const args = ['run', join(root, 'probe.ts'), '-i', join(root, 'hosts.yaml'), '--json', '-v', '-e', '@/dev/stdin'];
    const piped = spawnSync('sh', ['-c', `printf 'x: 1\\n' | "$0" "$@"`, process.execPath, bin, ...args], {
      encoding: 'utf8',
      env: baseEnv(),
    });
    const node = Number(/node=(\d+)/.exec(piped.stdout)?.[1]);
    expect([piped.status, node > 0, node === daemon], piped.stderr).toEqual([0, true, false]);
    expect(piped.stderr).toContain("resident runner not used: an argument reads this process's stdin");
  });

  it('a changed package file it loaded: the run is its own (fresh code), and the daemon retires and exits', async () => {
    writeFileSync(join(root, 'node_modules', 'dep', 'index.js'), "export const value = 'two';\n");
    const r = await run('probe.ts');
    expect(r.stderr).toMatch(/resident runner not used: a file the resident runner loaded changed \(.*node_modules\/dep\/index\.js\)/);
    expect([r.code, probed(r)]).toEqual([0, { node: r.child.pid, line: `foo=unset cwd=${root} dep=two` }]);
    while (existsSync(`/proc/${daemon}`) && !readFileSync(`/proc/${daemon}/stat`, 'utf8').includes(') Z'))
      await new Promise((res) => setImmediate(res));
  });
});
