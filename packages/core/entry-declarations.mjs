// After tsup: dist/<entry>.d.ts for each entry point, its own export lines re-exporting from the one
// declaration file (dist/declarations.d.ts; see src/declarations.ts).
import { readFileSync, writeFileSync } from 'node:fs';

const ENTRIES = { index: 'src/index.ts', module: 'src/module-api.ts', transport: 'src/transport-api.ts', engine: 'src/engine-api.ts' };
for (const [name, src] of Object.entries(ENTRIES)) {
  const text = readFileSync(new URL(src, import.meta.url), 'utf8').replace(/from '\.\/[^']+'/g, "from './declarations.js'");
  writeFileSync(new URL(`dist/${name}.d.ts`, import.meta.url), text);
}
