/**
 * One bench section, run by bench/run.ts under `flock /tmp/tsplay-lab.lock` (the lab is shared):
 * `node --conditions=@tsplay/source --import tsx bench/section.ts '<SectionSpec JSON>' OUT.json`.
 * Progress goes to stderr, the section's figures to OUT.json.
 */
import { writeFileSync } from 'node:fs';
import { emptyResult, runSection, type SectionSpec } from './lib/sections.js';

const [specJson, out] = process.argv.slice(2);
if (!specJson || !out) {
  process.stderr.write('usage: bench/section.ts SPEC_JSON OUT_JSON\n');
  process.exit(1);
}
const spec = JSON.parse(specJson) as SectionSpec;
const res = emptyResult(spec);
try {
  await runSection(spec, (m) => process.stderr.write(`${m}\n`), res);
  writeFileSync(out, JSON.stringify(res));
} catch (e) {
  process.stderr.write(`bench section ${spec.kind} (hosts ${spec.hosts}) failed: ${(e as Error).stack ?? String(e)}\n`);
  // what was measured before the failure, with the error (a scale run renders it; the full run drops the section)
  writeFileSync(out, JSON.stringify({ ...res, error: String(e).slice(0, 2000) }));
  process.exit(1);
}
