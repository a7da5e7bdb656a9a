import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchScript, splitBatch } from './batch.js';
import { DIR_STAT_FORMAT } from './dir-batch.js';
import { commandFact } from './facts.js';
import { dirChainFact, dirChainScript, parseDirChain } from './safe-dir-fact.js';
import { countingStat } from './testing/counting-stat.js';

const root = mkdtempSync(join(tmpdir(), 'tsplay-dir-batch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const at = (...p: string[]) => join(root, ...p);

// a `stat` that counts the directory checks' calls
const stat = countingStat(`*'${DIR_STAT_FORMAT}'*`);

for (const [name, mode] of [
  ['open', 0o777],
  ['sticky', 0o1777],
  ['plain', 0o755],
  ['a b|c', 0o750],
] as const) {
  mkdirSync(at(name));
  chmodSync(at(name), mode);
}
mkdirSync(at('theirs'), { mode: 0o755 });
if (process.getuid?.() === 0) chownSync(at('theirs'), 65534, 65534);
symlinkSync(at('plain'), at('to-plain'));

const chain = (...names: string[]) => ['/', root, ...names.map((n) => at(n))];
const CHAINS = [chain('open'), chain('sticky'), chain('plain'), chain('a b|c'), chain('theirs')];

/** Each chain's verdicts from the fact's own script, run alone. */
const own = (dirs: string[], shell: string) =>
  parseDirChain(spawnSync(shell, ['-c', dirChainScript(dirs)], { encoding: 'utf8' }).stdout, dirs);

function batched(chains: string[][], shell: string) {
  const facts = [...chains.map((c) => dirChainFact(c, { root: true })), commandFact('x', 'echo between; exit 3', (r) => r)];
  stat.reset();
  const script = `PATH=${stat.bin}:$PATH; export PATH\n${batchScript(facts, 'NONCE')}`;
  const results = splitBatch(spawnSync(shell, ['-c', script], { encoding: 'utf8' }).stdout, facts, 'NONCE');
  expect(results.at(-1)).toEqual({ stdout: 'between\n', stderr: '', code: 3 });
  return { verdicts: chains.map((c, i) => parseDirChain(results[i]?.stdout ?? '', c)), stats: stat.calls() };
}

describe('the directory checks of a batch share one stat', () => {
  it.each(['/bin/sh', 'bash', 'dash'])('every chain there: one stat, and each verdict as its own script gives it, under %s', (shell) => {
    const { verdicts, stats } = batched(CHAINS, shell);
    expect(stats).toBe(1);
    expect(verdicts).toEqual(CHAINS.map((c) => own(c, shell)));
    // what the comparison covers: open (refused), sticky and plain (ok), another user's, a name with ' ' and '|'
    const last = verdicts.map((v, i) => v[CHAINS[i]?.at(-1) ?? '']);
    expect(last).toEqual(['refuse', 'ok', 'ok', 'ok', process.getuid?.() === 0 ? 'owner:nobody' : 'refuse']);
  });

  it.each(['/bin/sh', 'bash', 'dash'])(
    'a directory missing from one chain: still the one shared stat, with the same verdicts (missing judged missing), under %s',
    (shell) => {
      const chains = [...CHAINS, chain('plain', 'plain/none'), chain('none', 'none/deeper')];
      const { verdicts, stats } = batched(chains, shell);
      // the shared stat of the directories there; the missing one is no word of it
      expect(stats).toBe(1);
      expect(verdicts).toEqual(chains.map((c) => own(c, shell)));
      expect(verdicts.at(-2)?.[at('plain/none')]).toBe('missing');
      expect([verdicts.at(-1)?.[at('none')], verdicts.at(-1)?.[at('none/deeper')], verdicts.at(-1)?.[root]]).toEqual([
        'missing',
        'missing',
        'ok',
      ]);
    },
  );

  it('a regular file where a chain has a directory: the one shared stat, refused as its own script refuses it', () => {
    writeFileSync(at('a-file'), 'x');
    const chains = [...CHAINS, chain('a-file', 'a-file/below')];
    const { verdicts, stats } = batched(chains, '/bin/sh');
    expect(stats).toBe(1);
    expect(verdicts).toEqual(chains.map((c) => own(c, '/bin/sh')));
    expect(verdicts.at(-1)?.[at('a-file')]).toBe('refuse');
  });

  it('a symlink in a chain: each reads its own, and the link is judged at its target (a link itself would be refused)', () => {
    const chains = [...CHAINS, chain('to-plain')];
    const { verdicts, stats } = batched(chains, '/bin/sh');
    // no shared stat (a link is seen before it), one per chain
    expect(stats).toBe(chains.length);
    expect(verdicts).toEqual(chains.map((c) => own(c, '/bin/sh')));
    expect(verdicts.at(-1)?.[at('to-plain')]).toBe('ok');
  });

  it('a lone chain keeps its own stat (nothing to share)', () => {
    const { verdicts, stats } = batched([chain('plain')], '/bin/sh');
    expect(stats).toBe(1);
    expect(verdicts).toEqual([own(chain('plain'), '/bin/sh')]);
    expect(batchScript([dirChainFact(chain('plain'), { root: true })], 'N')).not.toContain('__sdo=');
  });
});
