// The warm-start options that were measured and not kept (bench/README.md, "Warm start"), built again for
// `node bench/warm-start.mjs --options`. Each is built into packages/cli/node_modules/.cache/tsplay-warm-bench
// (so that the CLI's own packages resolve from it) and removed by the caller.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const cliSrc = resolve('packages/cli/src');
export const optionsDir = resolve('packages/cli/node_modules/.cache/tsplay-warm-bench');
const lines = '{"type":"run.start"}\\n{"type":"recap"}\\n';
const requireBanner = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
const bin = (entry) => `import('./${entry}').then((m) => m.main(process.argv.slice(2))).then(() => process.exit());\n`;

/** (b) one pre-bundled CLI entry: the CLI's code in one file; `inline` also inlines every package (core, modules, zod, ssh2...). */
async function cliBundle(name, inline) {
  await build({
    stdin: { contents: "export { main } from './fast.js'; import './commands/run.js';", resolveDir: cliSrc, loader: 'ts' },
    outfile: join(optionsDir, `${name}.mjs`),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    ...(inline
      ? { external: ['esbuild', 'yargs', 'zx', '@tsplay/lab', 'cpu-features', '*.node'], banner: { js: requireBanner } }
      : { packages: 'external' }),
  });
  writeFileSync(join(optionsDir, `${name}-bin.mjs`), bin(`${name}.mjs`));
  return join(optionsDir, `${name}-bin.mjs`);
}

/**
 * (c) the bound of a V8 startup snapshot: core, its engine, modules, zod and the CLI's run path evaluated in the
 * snapshot (a CJS bundle; core's `import.meta.url` given its file's URL), a main that only prints the two lines
 * the bench waits for. A real run would also need the playbook's imports bound to the snapshot's copies.
 */
async function snapshotBound() {
  const entry = join(optionsDir, 'snapshot-entry.cjs');
  await build({
    stdin: {
      contents: `import * as a from '@tsplay/core'; import * as b from '@tsplay/core/engine'; import * as c from '@tsplay/modules';
import * as d from './fast.js'; import './commands/run.js';
globalThis.__kept = { a, b, c, d };
require('node:v8').startupSnapshot.setDeserializeMainFunction(() => process.stdout.write('${lines}'));`,
      resolveDir: cliSrc,
      loader: 'ts',
    },
    outfile: entry,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    external: ['esbuild', 'yargs', 'zx', '@tsplay/lab', 'cpu-features', '*.node'],
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: "var __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  const blob = join(optionsDir, 'snapshot.blob');
  // Node 20 warns that node:module etc. are "not yet fully verified" in a snapshot: stderr is dropped
  execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', entry], { cwd: optionsDir, stdio: 'ignore' });
  return blob;
}

/** The options as bench variants (`argv` after node's path). */
export async function optionVariants(run) {
  mkdirSync(optionsDir, { recursive: true });
  const imports = join(optionsDir, 'imports.mjs');
  writeFileSync(
    imports,
    `await import('@tsplay/core'); await import('@tsplay/core/engine'); await import('@tsplay/modules');\nprocess.stdout.write('${lines}');\n`,
  );
  // the bin is a node script (package.json's bin, `node bin/tsplay.js` in tests and the daemon command), so
  // using a snapshot costs a second node start: the bin spawning node with the blob
  const reexec = join(optionsDir, 'snapshot-reexec.mjs');
  const blob = await snapshotBound();
  writeFileSync(
    reexec,
    `import { spawnSync } from 'node:child_process';\nprocess.exitCode = spawnSync(process.execPath, ['--snapshot-blob', ${JSON.stringify(blob)}], { stdio: 'inherit' }).status;\n`,
  );
  return [
    { name: 'b-cli', argv: [await cliBundle('b-cli', false), ...run] },
    { name: 'b-all', argv: [await cliBundle('b-all', true), ...run] },
    { name: 'c-bound', argv: ['--snapshot-blob', blob] },
    { name: 'c-reexec', argv: [reexec] },
    { name: 'imports', argv: [imports] },
  ];
}
