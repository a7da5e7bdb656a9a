/** The lab's own figures per size (scaling sections): up/down time, waves, memory per host. */
import type { SectionResult } from './sections.js';
import { fmt } from './stats.js';

const mb = (kb: number | undefined, digits = 0): string => (kb === undefined ? '-' : fmt(kb / 1024, digits));

export function labTable(sections: readonly SectionResult[]): string | undefined {
  const rows = sections.filter((s) => s.kind === 'scaling' && s.lab).sort((a, b) => a.hosts - b.hosts);
  if (rows.length === 0) return undefined;
  const head = [
    'hosts',
    'lab up s',
    'lab down s',
    'waves',
    'slowest wave s',
    'memory per host MB (median PSS)',
    'all hosts MB (sum PSS)',
    'MemAvailable drop MB',
  ];
  const body = rows.map((s) => {
    const l = s.lab!;
    const waveS = l.waves.map((w) => Number(/up in ([\d.]+) s/.exec(w)?.[1] ?? NaN)).filter(Number.isFinite);
    return [
      String(s.hosts),
      fmt(l.upSeconds, 1),
      l.downSeconds === undefined ? '-' : fmt(l.downSeconds, 1),
      String(Math.max(1, l.waves.length)),
      waveS.length ? fmt(Math.max(...waveS), 1) : '-',
      mb(l.memory?.medianPssKb, 1),
      mb(l.memory?.sumPssKb),
      mb(l.memory?.availableDropKb),
    ];
  });
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i] ?? 0)).join(' | ')} |`;
  return [
    line(head),
    `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`,
    ...body.map(line),
    '',
    'lab up: from a lab that is down to every host accepting an SSH login (hosts boot in waves of 8, each wave up before the next);',
    "memory: PSS of each host's processes (supervisor, nspawn, systemd, journald, dbus, sshd) right after the up; MemAvailable drop:",
    "the machine's MemAvailable before minus after the up (page cache, the overlays and kernel memory of the namespaces included).",
  ].join('\n');
}
