/** bench/results/README.md: date, machine, the table, and how the figures were taken. */
import type { SectionResult } from './sections.js';

interface ResultLike {
  date: string;
  mergedWith?: string;
  finished: string;
  machine: Record<string, string | number>;
  rounds: number;
  scalingRounds: number | string;
  tools: string[];
  failures: string[];
}

export function resultsReadme(r: ResultLike, table: string, prep: SectionResult | undefined): string {
  const m = r.machine;
  return [
    '# Latest bench results',
    '',
    `Run ${r.date} to ${r.finished} by \`pnpm bench\` (bench/run.ts); raw figures in [latest.json](latest.json),`,
    'time vs hosts in [scaling.svg](scaling.svg). How it is measured: [../README.md](../README.md).',
    ...(r.mergedWith ? ['', `Sections not re-measured in this run are kept from the run of ${r.mergedWith} (\`--merge\`).`] : []),
    '',
    `Machine: ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB RAM, kernel ${m.kernel}, node ${m.node};`,
    `${m.ansible}, ansible-mitogen ${m.mitogen || 'not installed'}. Lab: systemd-nspawn hosts on the same machine.`,
    '',
    `Rounds: ${r.rounds} (scaling: ${r.scalingRounds}), tools alternating (${r.tools.join(', ')}), wall time of the whole CLI process.`,
    '',
    table,
    '',
    'Equivalence check (each tool once on hosts converged by tsplay; 0 changed = same end state):',
    ...(prep?.notes ?? ['(no prepare section)']).map((n) => `- ${n}`),
    ...(prep?.unavailable.mitogen ? ['', 'Mitogen could not run:', '```', prep.unavailable.mitogen, '```'] : []),
    ...(r.failures.length ? ['', `FAILED sections: ${r.failures.join('; ')}`] : []),
    '',
    '![time vs hosts](scaling.svg)',
    '',
  ].join('\n');
}
