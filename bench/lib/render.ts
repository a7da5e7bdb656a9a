/** From the raw sections to results/{latest.json, scaling.svg, README.md} and the stdout table. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tool } from './measure.js';
import { labTable } from './labtable.js';
import { resultsReadme } from './readme.js';
import { summarize, table, type Summary } from './report.js';
import { runFloor } from './runfloor.js';
import type { SectionResult } from './sections.js';
import { stat } from './stats.js';
import { scalingSvg, type Series } from './svg.js';

export interface BenchResult {
  date: string;
  mergedWith?: string;
  finished: string;
  machine: Record<string, string | number>;
  rounds: number;
  /** Per host count since issue 18 ("5 rounds at 3, 10, 20 hosts; 2 at 50; 1 at 100, 200"); a number in older results. */
  scalingRounds: number | string;
  tools: Tool[];
  summary?: Summary;
  sections: SectionResult[];
  failures: string[];
}

const COLORS: Record<Tool, [string, string?]> = { tsplay: ['#1f77b4'], ansible: ['#d62728'], mitogen: ['#ff7f0e', '6 4'] };

export function scalingSeries(sections: SectionResult[], tools: Tool[]): Series[] {
  const scaling = sections.filter((s) => s.kind === 'scaling');
  return tools.map((t) => {
    const pts = scaling
      .map((s) => [s.hosts, stat(s.runs.filter((r) => r.tool === t).map((r) => r.seconds))] as const)
      .filter(([, st]) => st.n > 0);
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
  const profile = join(dir, 'profile.json');
  const floor = existsSync(profile) ? runFloor(JSON.parse(readFileSync(profile, 'utf8')), r) : undefined;
  const summary = summarize(r.sections, r.tools, floor);
  const result: BenchResult = { ...r, summary };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(result, (k, v) => (k === 'tail' ? undefined : v), 2)}\n`);
  writeFileSync(
    join(dir, 'scaling.svg'),
    scalingSvg(
      scalingSeries(r.sections, r.tools),
      `no-op playbook (10 tasks) vs hosts, median of ${typeof r.scalingRounds === 'number' ? `${r.scalingRounds} runs` : r.scalingRounds.replace(/ hosts/, '')}`,
    ),
  );
  const lab = labTable(r.sections);
  const text = lab ? `${table(summary, r.tools)}\n\nThe lab at each size:\n\n${lab}` : table(summary, r.tools);
  const prep = r.sections.find((s) => s.kind === 'prepare');
  writeFileSync(join(dir, 'README.md'), resultsReadme(result, text, prep));
  return text;
}
