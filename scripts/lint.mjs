#!/usr/bin/env node
// Project lint for one package dir (default: all packages): no deep imports across packages,
// no circular imports between a package's files, no `console.log` in library sources, and the
// built-in modules reach core only through the module kit.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const targets =
  process.argv[2] && process.argv[2] !== '.'
    ? [resolve(process.argv[2])]
    : process.argv[2] === '.'
      ? [process.cwd()]
      : readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p));

function walk(dir, out = []) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (e === 'node_modules' || e === 'dist' || e === 'fixtures') continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.ts$/.test(e) && !e.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** `@tsplay/x/sub` imports that package x declares in its package.json `exports` (e.g. `@tsplay/ssh/persist`). */
function publicSubpaths() {
  const out = new Set();
  for (const p of readdirSync(join(root, 'packages'))) {
    try {
      const pkg = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8'));
      for (const k of Object.keys(pkg.exports ?? {})) if (k !== '.') out.add(`${pkg.name}/${k.replace(/^\.\//, '')}`);
    } catch {
      /* not a package */
    }
  }
  return out;
}

/** The folders of @tsplay/modules that are not modules: the kit and its helpers, and test fixtures. */
const KIT_FOLDERS = new Set(['kit', 'common', 'testing']);

function packageName(pkgDir) {
  try {
    return JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).name;
  } catch {
    return undefined;
  }
}

/**
 * A built-in module (a folder of @tsplay/modules' src other than the kit's) is written with the public kit
 * an author gets: it imports core only through `../kit/index.js` (or `@tsplay/modules/kit`), never
 * `@tsplay/core` itself nor a file of the kit behind its index. Tests may use core's harness.
 */
export function kitOnlyProblem(rel, spec) {
  const parts = rel.split('/');
  if (parts.length < 3 || KIT_FOLDERS.has(parts[1]) || /\.test\.ts$/.test(rel)) return undefined;
  if (spec === '@tsplay/core' || spec.startsWith('@tsplay/core/'))
    return `${parts[1]}: imports ${spec} (a built-in module uses the kit: import from '../kit/index.js')`;
  if (/^\.\.\/kit\/(?!index\.js$)/.test(spec)) return `${parts[1]}: imports ${spec} (import the kit through '../kit/index.js')`;
  return undefined;
}

export function lintPackage(pkgDir) {
  const kitOnly = packageName(pkgDir) === '@tsplay/modules';
  const exported = publicSubpaths();
  const problems = [];
  const src = join(pkgDir, 'src');
  let files = [];
  try {
    files = walk(src);
  } catch {
    return problems;
  }
  const graph = new Map();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const deps = [];
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2];
      if (/^@tsplay\/[^/]+\/.+/.test(spec) && !exported.has(spec))
        problems.push(`${relative(root, f)}: deep import ${spec} (import the package's public API)`);
      const kitProblem = kitOnly ? kitOnlyProblem(relative(pkgDir, f), spec) : undefined;
      if (kitProblem) problems.push(`${relative(root, f)}: ${kitProblem}`);
      if (spec.startsWith('.') && !/^import type|^export type/.test(m[0])) deps.push(resolve(dirname(f), spec.replace(/\.js$/, '.ts')));
    }
    if (!/\.test\.ts$/.test(f) && !f.includes('/testing/') && /console\.log\(/.test(text))
      problems.push(`${relative(root, f)}: console.log in library code (emit an event or use the reporter)`);
    graph.set(f, deps);
  }
  const state = new Map();
  const stack = [];
  const visit = (f) => {
    if (state.get(f) === 2) return;
    if (state.get(f) === 1) {
      const cycle = stack
        .slice(stack.indexOf(f))
        .concat(f)
        .map((x) => relative(root, x));
      problems.push(`circular import: ${cycle.join(' -> ')}`);
      return;
    }
    state.set(f, 1);
    stack.push(f);
    for (const d of graph.get(f) ?? []) if (graph.has(d)) visit(d);
    stack.pop();
    state.set(f, 2);
  };
  for (const f of graph.keys()) visit(f);
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const problems = targets.flatMap((t) => lintPackage(t));
  for (const p of problems) console.error(p);
  process.exit(problems.length ? 1 : 0);
}
