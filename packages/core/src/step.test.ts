import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { splitSteps, stepsScript, stepsStdin } from './step.js';

const run = (shell: string, steps: Parameters<typeof stepsScript>[0]) => {
  const r = spawnSync(shell, ['-c', stepsScript(steps, 'NONCE')], { input: stepsStdin(steps) ?? '', encoding: 'latin1' });
  return splitSteps(r.stdout, steps.length, 'NONCE');
};

describe('steps in one exec', () => {
  it.each(['/bin/sh', 'bash', 'dash'])('under %s each step reads exactly its own stdin, keeps its stdout, stderr and code', (shell) => {
    const binary = Buffer.from([0, 10, 255, 13, 10, 0]);
    const results = run(shell, [
      { script: 'od -An -tx1 | tr -s " \\n" " "', stdin: binary },
      { script: 'cat; echo err >&2' },
      { script: "trap 'echo own >&2' EXIT; cat; printf '\\n\\n'", stdin: 'second\n' },
      { script: 'wc -c', stdin: 'x'.repeat(70_000) },
    ]);
    expect(results).toEqual([
      { stdout: ' 00 0a ff 0d 0a 00 ', stderr: '', code: 0 },
      { stdout: '', stderr: 'err\n', code: 0 }, // no stdin of its own: it reads nothing
      { stdout: 'second\n\n\n', stderr: 'own\n', code: 0 },
      { stdout: '70000\n', stderr: '', code: 0 },
    ]);
  });

  it.each(['/bin/sh', 'bash', 'dash'])('under %s the first step that fails ends the exec: the steps after it do not run', (shell) => {
    const results = run(shell, [
      { script: 'echo one' },
      { script: 'f() { echo half; exit 5; }; f; echo never', stdin: 'ignored' },
      { script: 'echo three > /dev/stderr' },
    ]);
    expect(results).toEqual([
      { stdout: 'one\n', stderr: '', code: 0 },
      { stdout: 'half\n', stderr: '', code: 5 },
    ]);
  });

  it('stdin of the steps in order, and none when no step has any', () => {
    expect(stepsStdin([{ stdin: 'a' }, {}, { stdin: Buffer.from('b') }])?.toString()).toBe('ab');
    expect(stepsStdin([{}])).toBeUndefined();
  });
});
