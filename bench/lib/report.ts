/** Summaries, the stdout table and the results README, from the sections' raw figures. */
import type { Tool } from './measure.js';
import type { SectionResult } from './sections.js';
import { FLOOR_FACTOR, type RunFloor } from './runfloor.js';
import { fmt, stat, type Stat } from './stats.js';

export interface Row {
  what: string;
  hosts: number;
  tools: Partial<Record<Tool, Stat>>;
  /** Ansible median / tsplay median (and Mitogen's). */
  ratio: Partial<Record<Tool, number>>;
  /** Changed tasks summed over hosts and runs, per tool (0 expected for idempotent, check, no-op). */
  changed: Partial<Record<Tool, number>>;
  /** Median peak RSS per tool, MB (runs that recorded it). */
  rssMb: Partial<Record<Tool, number>>;
  target?: string;
  met?: boolean;
  load?: [number, number] | undefined;
}

export interface Summary {
  rows: Row[];
  etcdStart?: Stat;
  /** The chapter's own commands by hand (lib/by-hand.ts): the fresh converge's floor on this lab. */
  byHand?: Stat;
  freshOverhead?: { seconds: number; target: string; met: boolean };
  /** The idempotent run's floor from the same run's profile, and each run's multiple of it. */
  floor?: RunFloor & { of: { idempotent?: number | undefined; check?: number | undefined }; met: boolean };
}

const LABEL: Record<string, string> = {
  fresh: 'etcd: fresh converge',
  idempotent: 'etcd: idempotent re-run',
  cold: 'etcd: re-run, cold cache',
  check: 'etcd: --check --diff (converged)',
  scaling: 'no-op, 10 tasks',
};

export function summarize(sections: SectionResult[], tools: Tool[], floor?: RunFloor): Summary {
  const rows: Row[] = [];
  let etcdStart: Stat | undefined;
  let byHand: Stat | undefined;
  for (const s of sections) {
    if (!(s.kind in LABEL)) continue;
    const row: Row = { what: LABEL[s.kind] as string, hosts: s.hosts, tools: {}, ratio: {}, changed: {}, rssMb: {}, load: s.load };
    for (const t of tools) {
      const runs = s.runs.filter((r) => r.tool === t);
      if (runs.length === 0) continue;
      row.tools[t] = stat(runs.map((r) => r.seconds));
      row.changed[t] = runs.reduce((a, r) => a + (r.changed ?? 0), 0);
      const rss = runs.flatMap((r) => (r.peakRssKb ? [r.peakRssKb / 1024] : []));
      if (rss.length > 0) row.rssMb[t] = stat(rss).median;
    }
    const base = row.tools.tsplay?.median;
    if (base) for (const t of tools) if (t !== 'tsplay' && row.tools[t]) row.ratio[t] = (row.tools[t] as Stat).median / base;
    const r = row.ratio.ansible;
    if (s.kind === 'cold') Object.assign(row, { target: '>= 10x Ansible', met: r !== undefined && r >= 10 });
    if (s.kind === 'idempotent' || s.kind === 'check') Object.assign(row, { target: '>= 25x Ansible', met: r !== undefined && r >= 25 });
    if (s.kind === 'scaling' && s.hosts === 20) Object.assign(row, { target: '>= 30x Ansible', met: r !== undefined && r >= 30 });
    if (s.kind === 'fresh' && s.etcdStart.length) etcdStart = stat(s.etcdStart);
    if (s.kind === 'fresh' && s.byHand?.length) byHand = stat(s.byHand);
    rows.push(row);
  }
  const fresh = rows.find((r) => r.what === LABEL.fresh)?.tools.tsplay;
  const sum: Summary = { rows, ...(etcdStart ? { etcdStart } : {}), ...(byHand ? { byHand } : {}) };
  if (fresh && etcdStart) {
    const seconds = fresh.median - etcdStart.median;
    sum.freshOverhead = { seconds, target: '<= 1.0 s above etcd start', met: seconds <= 1.0 };
  }
  if (floor) sum.floor = floorMultiples(rows, floor);
  return sum;
}

function floorMultiples(rows: Row[], floor: RunFloor): NonNullable<Summary['floor']> {
  const of = (kind: 'idempotent' | 'check') => {
    const s = rows.find((r) => r.what === LABEL[kind])?.tools.tsplay?.median;
    return s === undefined ? undefined : (s * 1000) / floor.ms;
  };
  const m = { idempotent: of('idempotent'), check: of('check') };
  const given = Object.values(m).filter((x): x is number => x !== undefined);
  return { ...floor, of: m, met: given.length === 2 && given.every((x) => x <= FLOOR_FACTOR) };
}

const cell = (s: Stat | undefined) => (s ? `${fmt(s.median)} [${fmt(s.min)}-${fmt(s.max)}]` : '-');

export function table(sum: Summary, tools: Tool[]): string {
  const rss = sum.rows.some((r) => Object.keys(r.rssMb).length > 0);
  const head = [
    'case',
    'hosts',
    ...tools.map((t) => `${t} s, median [min-max]`),
    ...tools.filter((t) => t !== 'tsplay').map((t) => `${t}/tsplay`),
    ...(rss ? tools.map((t) => `${t} peak RSS MB`) : []),
    'load',
    'target',
  ];
  const body = sum.rows.map((r) => [
    r.what,
    String(r.hosts),
    ...tools.map((t) => cell(r.tools[t])),
    ...tools.filter((t) => t !== 'tsplay').map((t) => (r.ratio[t] ? `${fmt(r.ratio[t] as number, 1)}x` : '-')),
    ...(rss ? tools.map((t) => (r.rssMb[t] ? fmt(r.rssMb[t] as number, 0) : '-')) : []),
    r.load ? `${fmt(r.load[0], 1)}-${fmt(r.load[1], 1)}` : '-',
    r.target ? `${r.target}: ${r.met ? 'met' : 'NOT met'}` : '',
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i] ?? 0)).join(' | ')} |`;
  const out = [line(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...body.map(line)];
  const sc = sum.rows.filter((r) => r.what === LABEL.scaling).sort((a, b) => a.hosts - b.hosts);
  const lo = sc[0],
    hi = sc[sc.length - 1];
  if (lo && hi && hi.hosts > lo.hosts) {
    const g = tools.map((t) => {
      const a = lo.tools[t]?.median,
        b = hi.tools[t]?.median;
      return a && b ? `${t} x${fmt(b / a, 1)}` : undefined;
    });
    out.push(
      '',
      `no-op time from ${lo.hosts} to ${hi.hosts} hosts (x${fmt(hi.hosts / lo.hosts, 1)} hosts): ${g.filter(Boolean).join(', ')} (below the host factor = less than linear)`,
    );
  }
  if (rss)
    out.push(
      '',
      "peak RSS: the larger of GNU time's \"Maximum resident set size\" (the largest single process: tsplay's CLI process, ansible-playbook's parent) and the RSS sum of the whole process tree sampled every 500 ms (Ansible's forks and their ssh; shared pages counted once per process), median over the runs.",
    );
  out.push(
    '',
    'load: the 1-minute load average at the start and end of the section (2 cores; other sessions and the lab hosts themselves run on it).',
  );
  if (sum.etcdStart) out.push(`etcd's own start (3 members from empty data dirs, first start to last active): ${cell(sum.etcdStart)} s`);
  if (sum.freshOverhead) {
    const o = sum.freshOverhead;
    out.push(`tsplay fresh converge overhead above etcd's start: ${fmt(o.seconds)} s (target ${o.target}: ${o.met ? 'met' : 'NOT met'})`);
  }
  const fresh = sum.rows.find((r) => r.what === LABEL.fresh)?.tools.tsplay;
  if (sum.byHand)
    out.push(
      `the chapter by hand (its own commands, one exec per host, all hosts at once, no SSH in the time; bench/lib/by-hand.ts): ${cell(sum.byHand)} s${fresh ? `; tsplay's fresh converge is ${fmt(fresh.median - sum.byHand.median)} s above it` : ''}`,
    );
  if (sum.floor) out.push(floorLine(sum.floor));
  return out.join('\n');
}

function floorLine(f: NonNullable<Summary['floor']>): string {
  const x = (v: number | undefined) => (v === undefined ? '-' : `${fmt(v, 2)}x`);
  return (
    `the idempotent run's floor (node start ${fmt(f.nodeStartMs, 0)} ms + one exec round trip with sudo ${fmt(f.execBecomeMs, 0)} ms + ` +
    `the probe script on the hosts ${fmt(f.probeHostMs, 0)} ms; profile of ${f.profileDate}): ${fmt(f.ms / 1000)} s; ` +
    `idempotent re-run ${x(f.of.idempotent)}, --check --diff ${x(f.of.check)} (target <= ${FLOOR_FACTOR}x the floor: ${f.met ? 'met' : 'NOT met'})`
  );
}
