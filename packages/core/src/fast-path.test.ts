import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchScript, splitBatch } from './batch.js';
import type { ExecResult } from './connection.js';
import type { FactQuery } from './facts.js';
import { dirChainFact } from './safe-dir-fact.js';
import { MIN_CACHED_BYTES, SigCache } from './sigcache.js';

const sh = (script: string): ExecResult => ({ code: 0, stdout: execFileSync('sh', ['-c', script], { encoding: 'utf8' }), stderr: '' });
// counting processes takes a PID namespace of our own (unshare), and an owned-by-nobody directory a chown: root
beforeAll(() => expect(process.getuid?.(), 'these tests run as root (a PID namespace, chown)').toBe(0));

/** Runs `script` as PID 1 of a new PID namespace, then one more process: its PID says how many processes the script forked. */
const forks = (script: string): { stdout: string; pids: number } => {
  const out = execFileSync('unshare', ['--pid', '--fork', 'sh', '-c', `${script}\nsh -c 'echo "@pid $$"'`], { encoding: 'utf8' });
  const m = /@pid (\d+)\n$/.exec(out);
  if (!m) throw new Error(`no pid line in ${out}`);
  return { stdout: out.slice(0, m.index), pids: Number(m[1]) };
};

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-fast-'));
  const runs = join(dir, 'runs');
  writeFileSync(runs, '');
  // one file the workstation remembers (large), one only the host's index keeps (small)
  const files = [join(dir, 'big'), join(dir, 'small')];
  writeFileSync(files[0] as string, Buffer.alloc(MIN_CACHED_BYTES, 'b'));
  writeFileSync(files[1] as string, 'small\n');
  const script = (f: string) => `echo . >> ${runs}; sha256sum < ${f} | cut -d' ' -f1`;
  const hostDir = join(dir, 'host', 'sig');
  const sc = new SigCache(undefined, { hostDir });
  const facts = (fast: boolean): FactQuery[] =>
    files.map((f, i) => {
      const id = sc.hostEntry(`k${i}`, script(f), true);
      return {
        key: `k${i}`,
        script: sc.wrap(`k${i}`, [f], script(f), id),
        sigPaths: [f],
        fastPath: fast ? sc.fastPath(`k${i}`, [f], id) : undefined,
        parse: (r) => r,
      };
    });
  const unwrap = (rs: ExecResult[]) =>
    rs.map((r, i) => sc.unwrap(`k${i}`, r, sc.hostEntry(`k${i}`, script(files[i] as string), true), 'h'));
  return { sc, files, facts, unwrap, runs: () => readFileSync(runs, 'utf8').length / 2 };
}

describe("a batch answers a content fact's known signature in its own shell", () => {
  it('the same answers as the subshell, from the workstation and from the host index, one process fewer each', () => {
    const t = setup();
    const nonce = '__tsplay_fast_test';
    // the first probe hashes both files; the run leaves its answers in the host's index
    const first = t.unwrap(splitBatch(sh(batchScript(t.facts(true), nonce)).stdout, t.facts(true), nonce));
    expect(t.runs()).toBe(2);
    sh(t.sc.takeHostWrites() as string);

    const fast = forks(batchScript(t.facts(true), nonce));
    const slow = forks(batchScript(t.facts(false), nonce));
    expect(t.runs()).toBe(2); // neither hashed again
    const answers = (out: string) => t.unwrap(splitBatch(out, t.facts(true), nonce));
    expect(answers(fast.stdout)).toEqual(first);
    // frame by frame the same bytes: the workstation's marker for the large file, the host's answer for the small one
    expect(splitBatch(fast.stdout, t.facts(true), nonce)).toEqual(splitBatch(slow.stdout, t.facts(false), nonce));
    expect(splitBatch(fast.stdout, t.facts(true), nonce).map((r) => r.stdout.split('\n')[1]?.slice(0, 17))).toEqual([
      '__tsplay_cached__',
      '__tsplay_hosted__',
    ]);
    expect(slow.pids - fast.pids).toBe(2);
  });

  it('a changed file falls through to the subshell, which hashes it again', () => {
    const t = setup();
    const nonce = '__tsplay_fast_test';
    t.unwrap(splitBatch(sh(batchScript(t.facts(true), nonce)).stdout, t.facts(true), nonce));
    sh(t.sc.takeHostWrites() as string);
    const facts = t.facts(true);
    writeFileSync(t.files[1] as string, 'changed\n');
    const r = t.unwrap(splitBatch(sh(batchScript(facts, nonce)).stdout, facts, nonce));
    expect(t.runs()).toBe(3);
    expect(r[1]?.stdout.trim()).toBe(
      execFileSync('sh', ['-c', `printf 'changed\\n' | sha256sum | cut -d' ' -f1`], { encoding: 'utf8' }).trim(),
    );
  });
});

describe("a batch judges the safe writes' directory chains in its own shell", () => {
  const chain = (p: string) => p.split('/').map((_, i, a) => a.slice(0, i + 1).join('/') || '/');
  const nonce = '__tsplay_fast_dirs';
  const strip = (fs: FactQuery[]) => fs.map((f) => ({ ...f, fastPath: undefined }));

  it('the same verdicts as the subshell (ok, refuse, owner), one process fewer per chain', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-fast-dirs-'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    mkdirSync(join(dir, 'open'));
    execFileSync('chmod', ['0777', join(dir, 'open')]);
    mkdirSync(join(dir, 'theirs'));
    execFileSync('chown', ['nobody', join(dir, 'theirs')]);
    const facts = [join(dir, 'a', 'b'), join(dir, 'open'), join(dir, 'theirs')].map((d) => dirChainFact(chain(d), { root: true }));
    const fast = forks(batchScript(facts, nonce));
    const slow = forks(batchScript(strip(facts), nonce));
    const frames = splitBatch(fast.stdout, facts, nonce);
    expect(frames).toEqual(splitBatch(slow.stdout, facts, nonce));
    const verdicts = facts.map((f, i) => f.parse(frames[i] as ExecResult));
    expect(verdicts[0]?.[join(dir, 'a', 'b')]).toBe('ok');
    expect(verdicts[1]?.[join(dir, 'open')]).toBe('refuse');
    expect(verdicts[2]?.[join(dir, 'theirs')]).toBe('owner:nobody');
    expect(slow.pids - fast.pids).toBe(3);
    // the judge is defined once for the batch, not once per fast path (each fact's own script still has its copy)
    const defs = (script: string) => script.split('tsplay_verdict() {').length - 1;
    expect(defs(batchScript(facts, nonce)) - defs(batchScript(strip(facts), nonce))).toBe(0);
    expect(facts.map((f) => defs(f.fastPath ?? ''))).toEqual([0, 0, 0]);
  });

  it('a chain with a symlink or a missing directory is judged by the subshell, as before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-fast-dirs-'));
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const facts = [join(dir, 'link'), join(dir, 'gone')].map((d) => dirChainFact(chain(d), { root: true }));
    const fast = forks(batchScript(facts, nonce));
    const slow = forks(batchScript(strip(facts), nonce));
    expect(splitBatch(fast.stdout, facts, nonce)).toEqual(splitBatch(slow.stdout, facts, nonce));
    expect(facts[1]?.parse(splitBatch(fast.stdout, facts, nonce)[1] as ExecResult)[join(dir, 'gone')]).toBe('missing');
    expect(slow.pids).toBe(fast.pids);
  });
});
