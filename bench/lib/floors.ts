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
import { traceRun } from './trace.js';

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
    slowestExecsOfFirstHost: [...mine]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8)
      .map((e) => ({ startMs: Math.round(e.startMs), ms: Math.round(e.ms), script: e.script.replace(/\s+/g, ' ').slice(0, 90) })),
  };
}
