/**
 * The floors a run is measured against (bench/profile.ts): one SSH handshake, one exec round trip
 * over an open connection (plain and with sudo), and where a fresh converge and a cold re-run spend
 * their time. Run under the lab lock, on the lab's converged hosts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectHost } from '@tsplay/cli';
import { loadInventory, type ResolvedHost } from '@tsplay/core';
import { selectHosts } from '@tsplay/core/engine';
import type { RunningLab } from '@tsplay/lab';
import { resetEtcd } from './lab.js';
import { stat } from './stats.js';
import { medianPhases, timeline, type Phases } from './timeline.js';
import { cpuShare } from './cpu.js';
import { traceRun, type Trace } from './trace.js';

const ms = (t0: number) => performance.now() - t0;

async function firstHost(inventoryFile: string): Promise<ResolvedHost> {
  const hosts = selectHosts(await loadInventory(inventoryFile), 'all');
  const h = hosts[0];
  if (!h) throw new Error('floors: the lab inventory has no host');
  return h;
}

/** A direct handshake (no daemon), then `true` and `sudo -n true` over that connection, n times each. */
export async function connectionFloors(
  inventoryFile: string,
  n: number,
): Promise<{ handshakeMs: number; execMs: number; execBecomeMs: number }> {
  const h = await firstHost(inventoryFile);
  const hs: number[] = [];
  const ex: number[] = [];
  const exb: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const conn = await connectHost(h, { persist: 0 });
    hs.push(ms(t0));
    for (let j = 0; j < 3; j++) {
      const t1 = performance.now();
      await conn.exec('true');
      ex.push(ms(t1));
      const t2 = performance.now();
      await conn.exec('true', { become: true });
      exb.push(ms(t2));
    }
    await conn.close();
  }
  return { handshakeMs: stat(hs).median, execMs: stat(ex).median, execBecomeMs: stat(exb).median };
}

/** The cold re-run's phases: an empty state dir (no signature cache) and no persisted connections. */
export async function coldPhases(root: string, inventoryFile: string, n: number): Promise<Record<string, number>> {
  const runs: Phases[] = [];
  for (let i = 0; i < n; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-profile-cold-'));
    try {
      runs.push(await timeline(root, ['run', 'playbooks/etcd.ts', '-i', inventoryFile], { TSPLAY_STATE_DIR: dir, TSPLAY_PERSIST: '0' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return medianPhases(runs);
}

/**
 * What an exec of a fresh etcd converge carries, read from its script. The first exec is the probe (its facts'
 * scripts name the same commands); the guard asks its peers with a connect timeout, the verification its own
 * member with `-sS` and a time limit only.
 */
const PARTS: [string, RegExp][] = [
  ['download', /--proto-redir/],
  ['extraction', /tar -x/],
  ['files', /\.tsplay-[A-Za-z0-9]{6}/],
  ['guard', /--connect-timeout[^\n]*cluster\/member\/list/],
  ['start', /systemctl (start|restart) /],
  ['wait', /__tsplay_wait_/],
  ['verification', /curl -sS --max-time \d+ [^\n]*\/health[^\n]*--next/],
];
export function execLabel(script: string, index: number): string {
  if (index === 0) return 'probe';
  const parts = PARTS.filter(([, re]) => re.test(script)).map(([name]) => name);
  return parts.length > 0 ? parts.join(', ') : 'other';
}

/**
 * Where the host that finished last spent the converge: before its first exec (connection, planning), each exec
 * (what it carries, how long, and the gap before it: the workstation's work between execs and a barrier's wait for
 * the other hosts), and after its last (the report).
 */
export function criticalHost(tr: Trace): Record<string, unknown> {
  const ends = new Map<string, number>();
  for (const e of tr.execs) ends.set(e.host, Math.max(ends.get(e.host) ?? 0, e.startMs + e.ms));
  const host = [...ends].reduce((a, b) => (b[1] > a[1] ? b : a), ['', 0])[0];
  const mine = tr.execs.filter((e) => e.host === host).sort((a, b) => a.startMs - b.startMs);
  // the first exec's gap is the time before it: reported on its own, as beforeFirstExecMs
  let end = mine[0]?.startMs ?? 0;
  const execs = mine.map((e, i) => {
    const row = { carries: execLabel(e.script, i), gapBeforeMs: Math.round(e.startMs - end), ms: Math.round(e.ms) };
    end = e.startMs + e.ms;
    return row;
  });
  return { host, beforeFirstExecMs: Math.round(mine[0]?.startMs ?? 0), execs, afterLastExecMs: Math.round(tr.wallMs - end) };
}

/** A fresh converge (etcd reset on every host), in process with traced connections: its round trips. */
export async function freshTrace(lab: RunningLab): Promise<Record<string, unknown>> {
  await resetEtcd(lab);
  const { value: tr, cpu } = await cpuShare(() => traceRun('playbooks/etcd.ts', lab.inventoryFile));
  const host = lab.hosts[0]?.name ?? '';
  const mine = tr.execs.filter((e) => e.host === host);
  const busy = mine.reduce((a, e) => a + e.ms, 0);
  return {
    wallInProcessMs: Math.round(tr.wallMs),
    exitCode: tr.exitCode,
    cpu,
    execsOfFirstHost: mine.length,
    execMsSumOfFirstHost: Math.round(busy),
    lastHost: criticalHost(tr),
  };
}
