/** From the raw sections to results/{latest.json, scaling.svg, README.md} and the stdout table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tool } from './measure.js';
import { resultsReadme } from './readme.js';
import { summarize, table, type Summary } from './report.js';
import type { SectionResult } from './sections.js';
import { stat } from './stats.js';
import { scalingSvg, type Series } from './svg.js';

export interface BenchResult {
  date: string;
  mergedWith?: string;
  finished: string;
  machine: Record<string, string | number>;
  rounds: number;
  scalingRounds: number;
  tools: Tool[];
  summary?: Summary;
  sections: SectionResult[];
  failures: string[];
}

const COLORS: Record<Tool, [string, string?]> = { tsplay: ['#1f77b4'], ansible: ['#d62728'], mitogen: ['#ff7f0e', '6 4'] };

export function scalingSeries(sections: SectionResult[], tools: Tool[]): Series[] {
  const scaling = sections.filter((s) => s.kind === 'scaling');
  return tools.map((t) => {
    const pts = scaling.map((s) => [s.hosts, stat(s.runs.filter((r) => r.tool === t).map((r) => r.seconds))] as const).filter(([, st]) => st.n > 0);
    const [color, dash] = COLORS[t];
    return {
      name: t === 'mitogen' ? 'ansible + mitogen' : t,
      color,
      ...(dash ? { dash } : {}),
      points: pts.map(([h, st]) => [h, st.median] as [number, number]),
      spread: pts.map(([h, st]) => [h, st.min, st.max] as [number, number, number]),
    };
  });
}

/** Writes the three result files; returns the table. */
export function writeResults(dir: string, r: BenchResult): string {
  const summary = summarize(r.sections, r.tools);
  const result: BenchResult = { ...r, summary };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(result, (k, v) => (k === 'tail' ? undefined : v), 2)}\n`);
  writeFileSync(join(dir, 'scaling.svg'), scalingSvg(scalingSeries(r.sections, r.tools), `no-op playbook (10 tasks) vs hosts, median of ${r.scalingRounds} runs`));
  const text = table(summary, r.tools);
  const prep = r.sections.find((s) => s.kind === 'prepare');
  writeFileSync(join(dir, 'README.md'), resultsReadme(result, text, prep));
  return text;
}
