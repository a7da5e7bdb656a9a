import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Modules that do I/O: Node's own (fs, processes, network, ...) and the core files built on them. */
const IO_BUILTIN = /^(node:)?(fs|fs\/promises|child_process|net|tls|http|https|dgram|dns|os|readline|worker_threads)$/;
const IO_FILES = [
  'execute.ts',
  'gather.ts',
  'local.ts',
  'sigcache.ts',
  'host-index.ts',
  'runner/execute-run.ts',
  'runner/state.ts',
  'runner/host-run.ts',
];

/** Every file a file imports at run time (type-only imports are erased), transitively, from `entry`. */
function runtimeGraph(entry: string): { files: Set<string>; builtins: Map<string, string> } {
  const files = new Set<string>();
  const builtins = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(join(SRC, file), 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^'";]*?from\s+'([^']+)'/gm)) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) visit(relative(SRC, resolve(dirname(join(SRC, file)), spec.replace(/\.js$/, '.ts'))));
      else builtins.set(spec, file);
    }
  };
  visit(entry);
  return { files, builtins };
}

describe('the planner does no I/O', () => {
  it('runner/plan.ts imports, at run time, no I/O module and no file that does I/O', () => {
    const { files, builtins } = runtimeGraph('runner/plan.ts');
    expect(files.has('runner/resolve.ts')).toBe(true); // the walk follows imports
    expect([...files].filter((f) => IO_FILES.includes(f))).toEqual([]);
    expect([...builtins].filter(([spec]) => IO_BUILTIN.test(spec))).toEqual([]);
  });
  it('the check is not vacuous: the executor reaches I/O', () => {
    const { files, builtins } = runtimeGraph('runner/execute-run.ts');
    expect(files.has('execute.ts') && files.has('gather.ts')).toBe(true);
    expect([...builtins.keys()].some((s) => IO_BUILTIN.test(s))).toBe(true);
  });
});
