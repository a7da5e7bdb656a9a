/** A scale run's result files (bench/results/NAME.{json,md,svg}): tsplay per size and job, the lab, the profile. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labTable } from './labtable.js';
import type { RunResult } from './measure.js';
import { scalingSeries } from './render.js';
import type { ScaleRun } from './scale.js';
import type { SectionResult } from './sections.js';
import { fmt } from './stats.js';
import { scalingSvg, type Series } from './svg.js';

export interface ScaleResults {
  date: string;
  finished: string;
  command: string;
  commit: string;
  machine: { nproc: number; cpu: string; memoryGiB: number; kernel: string; node: string };
  sections: SectionResult[];
  failures: string[];
}

type Row = Pick<ScaleRun, 'job' | 'phase' | 'round'> & RunResult;

/** Every tsplay run of a scaling section, in order: the first no-op, the no-op rounds (the rows), the files job. Pure. */
export function tsplayRuns(s: SectionResult): Row[] {
  const scale = s.scale ?? [];
  return [
    ...scale.filter((r) => r.job === 'noop' && r.tool === 'tsplay'),
    ...s.runs.filter((r) => r.tool === 'tsplay').map((r) => ({ ...r, job: 'noop' as const, phase: 'rerun' as const })),
    ...scale.filter((r) => r.job !== 'noop'),
  ];
}

const s1 = (ms: number | undefined): string => (ms === undefined ? '-' : fmt(ms / 1000, 1));
const mb = (kb: number | undefined): string => (kb === undefined ? '-' : fmt(kb / 1024, 0));

/** One table line per run. Pure. */
export function scaleRow(hosts: number, r: Row): string[] {
  const p = r.phases;
  const busy = r.machine ? `${fmt(r.machine.busyS, 1)} (${fmt(r.machine.busyFraction * 100, 0)} %)` : '-';
  return [
    String(hosts),
    `${r.job} ${r.phase}`,
    fmt(r.seconds, 1),
    String(r.code),
    `${r.changed ?? '?'} / ${r.failed ?? '?'}`,
    r.cpuS === undefined ? '-' : fmt(r.cpuS, 1),
    r.daemon ? fmt(r.daemon.cpuS, 1) : '-',
    busy,
    mb(r.maxRssKb),
    mb(r.daemon?.hwmKb),
    `${r.treeFds ?? '-'} / ${r.daemon?.fds ?? '-'}`,
    s1(p?.runStart),
    p ? `${s1(p.firstConnect)}-${s1(p.lastConnect)} (median ${fmt(p.connectMedianMs, 0)} ms, max ${fmt(p.connectMaxMs, 0)})` : '-',
    s1(p?.firstTask),
    s1(p?.recap),
  ];
}

const HEAD = [
  'hosts',
  'job',
  'wall s',
  'exit',
  'changed / failed+unreachable',
  'CLI CPU s',
  'daemon CPU s',
  'machine busy core-s (% of all cores)',
  'CLI peak RSS MB',
  'daemon peak RSS MB',
  'fds: tree peak / daemon after',
  'run.start s',
  'connects s (per host)',
  'first task s',
  'recap s',
];

function table(head: string[], body: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i] ?? 0)).join(' | ')} |`;
  return [line(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

function traceTable(sections: readonly SectionResult[]): string | undefined {
  const rows = sections.filter((s) => s.trace).map((s) => s.trace!);
  if (rows.length === 0) return undefined;
  return table(
    [
      'hosts',
      'wall s',
      'execs per host (median, max)',
      'probe exec ms (median, p90, max)',
      'other execs (n, median ms, max ms)',
      'connect ms (median, max)',
      'execs in flight (mean)',
    ],
    rows.map((t) => [
      String(t.hosts),
      fmt(t.wallMs / 1000, 1),
      t.execsPerHost.join(', '),
      t.probeMs.map((x) => fmt(x, 0)).join(', '),
      `${t.otherExecs[0]}, ${fmt(t.otherExecs[1], 0)}, ${fmt(t.otherExecs[2], 0)}`,
      t.connectMs.map((x) => fmt(x, 0)).join(', '),
      fmt(t.execConcurrency, 1),
    ]),
  );
}

/** The plot: this run's tsplay jobs, and the last full run's tools (bench/results/latest.json) for 3-200 hosts. */
function series(dir: string, sections: SectionResult[]): Series[] {
  const scaling = sections.filter((s) => s.kind === 'scaling');
  const pick = (job: string, phase: string, name: string, color: string, dash?: string): Series => ({
    name,
    color,
    ...(dash ? { dash } : {}),
    points: scaling.flatMap((s) => {
      const r = tsplayRuns(s).filter((x) => x.job === job && x.phase === phase);
      return r.length ? [[s.hosts, Math.min(...r.map((x) => x.seconds))] as [number, number]] : [];
    }),
  });
  const out = [
    pick('noop', 'rerun', 'tsplay no-op', '#1f77b4'),
    pick('noop', 'fresh', 'tsplay no-op 1st', '#1f77b4', '2 3'),
    pick('files', 'rerun', 'tsplay files', '#2ca02c'),
    pick('files', 'fresh', 'tsplay files 1st', '#2ca02c', '2 3'),
  ].filter((s) => s.points.length > 0);
  const full = join(dir, 'latest.json');
  if (existsSync(full)) {
    const old = JSON.parse(readFileSync(full, 'utf8')) as { sections: SectionResult[] };
    for (const s of scalingSeries(old.sections, ['tsplay', 'ansible']))
      out.push({ ...s, name: `${s.name} (full run)`, color: s.name === 'tsplay' ? '#9ecae1' : '#d62728', dash: '6 4' });
  }
  return out;
}

/** Writes NAME.json (raw), NAME.md (tables), NAME.svg (plot) into `dir`; returns the .md path. */
export function writeScaleResults(dir: string, name: string, r: ScaleResults): string {
  const scaling = r.sections.filter((s) => s.kind === 'scaling').sort((a, b) => a.hosts - b.hosts);
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(r, null, 1)}\n`);
  writeFileSync(
    join(dir, `${name}.svg`),
    scalingSvg(series(dir, scaling), 'wall time vs hosts (tsplay; dashed: the full run of bench/results)'),
  );
  const m = r.machine;
  const md = [
    `# Scale run: tsplay to ${Math.max(0, ...scaling.map((s) => s.hosts))} hosts`,
    '',
    `Run ${r.date} to ${r.finished}, commit ${r.commit}, by \`${r.command}\`. Machine: ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB, kernel ${m.kernel}, node ${m.node}. How it is measured: [../README.md](../README.md), "Scale".`,
    '',
    table(
      HEAD,
      scaling.flatMap((s) => tsplayRuns(s).map((x) => scaleRow(s.hosts, x))),
    ),
    '',
    'wall: the whole CLI process; CLI CPU: its user + system time (GNU time); daemon: the persist daemon that holds the connections (its CPU during the run, its VmHWM, its fds after the run);',
    "machine busy: every core's non-idle time over the run (/proc/stat: the CLI, the daemon, the hosts' sshd and shells, the kernel); phases: arrival of the NDJSON events (s since spawn).",
    '',
    'The lab at each size:',
    '',
    labTable(scaling) ?? '(none)',
    '',
    ...(traceTable(scaling) ? ['Traced in-process no-op run (bench/lib/scale.ts):', '', traceTable(scaling) as string, ''] : []),
    `load (1-min average, start-end of each section): ${scaling.map((s) => `${s.hosts}: ${s.load?.map((x) => fmt(x, 1)).join('-') ?? '?'}`).join('; ')}`,
    ...scaling.flatMap((s) => s.notes.map((n) => `- ${s.hosts} hosts: ${n}`)),
    ...scaling.flatMap((s) => (s.error ? [`- ${s.hosts} hosts: the section failed: ${s.error.split('\n')[0]}`] : [])),
    ...r.failures.map((f) => `- FAILED: ${f}`),
    '',
    `![wall time vs hosts](${name}.svg)`,
    '',
  ].join('\n');
  const file = join(dir, `${name}.md`);
  writeFileSync(file, md);
  return file;
}
