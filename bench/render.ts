/** Re-render results/{scaling.svg,README.md} (and the summary in latest.json) from results/latest.json. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResults, type BenchResult } from './lib/render.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
const r = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as BenchResult;
process.stdout.write(`${writeResults(dir, r)}\n`);
