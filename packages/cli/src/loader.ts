import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { bundleDir } from './paths.js';

/**
 * Load a .ts playbook or inventory in this process.
 *
 * The file and its local imports are bundled once by esbuild into the user's cache dir
 * (`~/.cache/tsplay/bundles/NAME-HASH.mjs`, see `bundleDir`). Package imports stay imports, but of
 * the absolute file each one resolves to from the importing file (the project's own
 * node_modules, else the CLI's), so `@tsplay/core` in the playbook is the very module the engine
 * uses. The bundle is reused while every input and every resolved package file keeps its size and
 * mtime, so a repeated run pays no TypeScript cost at all.
 */
interface Manifest {
  v: 2;
  inputs: Record<string, [number, number]>;
}

let generation = 0;

/**
 * A resident process (the resident runner) calls this before each run: every playbook and inventory the run
 * loads is then evaluated afresh, so module state of one run (a timestamp, a counter) never reaches the next.
 */
export function freshLoads(): void {
  generation++;
}

export async function importTs(path: string): Promise<Record<string, unknown>> {
  const file = resolve(path);
  const run = generation ? `run=${generation}` : '';
  if (!/\.[cm]?ts$/.test(file)) return (await import(`${pathToFileURL(file).href}${run ? `?${run}` : ''}`)) as Record<string, unknown>;
  const dir = bundleDir();
  const id = `${basename(file).replace(/\.[cm]?ts$/, '')}-${createHash('sha1').update(file).digest('hex').slice(0, 12)}`;
  const out = join(dir, `${id}.mjs`);
  const manifestFile = join(dir, `${id}.json`);
  if (!fresh(manifestFile)) await bundle(file, out, manifestFile);
  chmodSync(out, 0o600); // a bundle made by an older tsplay was 0644
  // the mtime in the query makes a rebuilt bundle a new module for this process
  return (await import(`${pathToFileURL(out).href}?v=${statSync(out).mtimeMs}${run ? `&${run}` : ''}`)) as Record<string, unknown>;
}

function fresh(manifestFile: string): boolean {
  try {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    for (const [f, [size, mtime]] of Object.entries(m.inputs)) {
      const st = statSync(f);
      if (st.size !== size || st.mtimeMs !== mtime) return false;
    }
    return m.v === 2;
  } catch {
    return false;
  }
}

const cliDir = dirname(fileURLToPath(import.meta.url));

/** Bare imports -> external imports of the absolute file they resolve to (project first, then the CLI's own packages). */
function absolutePackages(externals: Set<string>): Plugin {
  return {
    name: 'tsplay-absolute-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'inner' || args.path.startsWith('node:')) return undefined;
        for (const resolveDir of [args.resolveDir, cliDir]) {
          const r = await build.resolve(args.path, { kind: args.kind, resolveDir, importer: args.importer, pluginData: 'inner' });
          if (r.errors.length === 0 && r.path) {
            if (!r.external) externals.add(r.path);
            return { path: r.external ? args.path : r.path, external: true };
          }
        }
        return undefined; // esbuild reports the unresolved import with the importer's line
      });
    },
  };
}

/** A temp name of its own: two loads of one playbook at once in one process (the resident runner, the bad-input runner) never share it. */
const tmpName = (file: string): string => `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;

async function bundle(file: string, out: string, manifestFile: string): Promise<void> {
  const esbuild = await import('esbuild');
  const tmp = tmpName(out);
  const externals = new Set<string>();
  const r = await esbuild.build({
    entryPoints: [file],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'silent',
    plugins: [absolutePackages(externals)],
  });
  chmodSync(tmp, 0o600); // it holds the playbook's literals, secrets included
  renameSync(tmp, out);
  const inputs: Manifest['inputs'] = {};
  const base = process.cwd();
  for (const f of [...Object.keys(r.metafile.inputs).map((f) => resolve(base, f)), ...externals]) {
    const st = statSync(f);
    inputs[f] = [st.size, st.mtimeMs];
  }
  const manifestTmp = tmpName(manifestFile);
  writeFileSync(manifestTmp, JSON.stringify({ v: 2, inputs } satisfies Manifest), { mode: 0o600 });
  renameSync(manifestTmp, manifestFile);
}
