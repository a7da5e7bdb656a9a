import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Load a .ts playbook or inventory in this process.
 *
 * The file and its local imports are bundled once by esbuild into
 * `<its dir>/node_modules/.cache/tsplay/NAME-HASH.mjs`; packages stay external, so
 * `@tsplay/core` in the playbook resolves (walking up to the workspace's node_modules) to the
 * very module the CLI uses: one copy of core. The bundle is reused while every input file keeps
 * its size and mtime, so a repeated run pays no TypeScript cost at all.
 */
interface Manifest {
  v: 1;
  inputs: Record<string, [number, number]>;
}

export async function importTs(path: string): Promise<Record<string, unknown>> {
  const file = resolve(path);
  if (!/\.[cm]?ts$/.test(file)) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const dir = join(dirname(file), 'node_modules', '.cache', 'tsplay');
  const id = `${basename(file).replace(/\.[cm]?ts$/, '')}-${createHash('sha1').update(file).digest('hex').slice(0, 10)}`;
  const out = join(dir, `${id}.mjs`);
  const manifestFile = join(dir, `${id}.json`);
  if (!fresh(manifestFile)) await bundle(file, out, manifestFile);
  // the mtime in the query makes a rebuilt bundle a new module for this process
  return (await import(`${pathToFileURL(out).href}?v=${statSync(out).mtimeMs}`)) as Record<string, unknown>;
}

function fresh(manifestFile: string): boolean {
  try {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    for (const [f, [size, mtime]] of Object.entries(m.inputs)) {
      const st = statSync(f);
      if (st.size !== size || st.mtimeMs !== mtime) return false;
    }
    return m.v === 1;
  } catch {
    return false;
  }
}

async function bundle(file: string, out: string, manifestFile: string): Promise<void> {
  const esbuild = await import('esbuild');
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const r = await esbuild.build({
    entryPoints: [file],
    outfile: tmp,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'silent',
  });
  renameSync(tmp, out);
  const inputs: Manifest['inputs'] = {};
  const base = process.cwd();
  for (const f of Object.keys(r.metafile.inputs)) {
    const abs = resolve(base, f);
    const st = statSync(abs);
    inputs[abs] = [st.size, st.mtimeMs];
  }
  writeFileSync(manifestFile, JSON.stringify({ v: 1, inputs } satisfies Manifest));
}
