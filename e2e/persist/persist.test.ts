/**
 * Connections that outlive a run (issue 18), on the lab: the etcd playbook twice through the CLI with
 * persistence on (its own daemon, in a private socket directory), and a host rebooted between two runs.
 * Oracles on the hosts themselves, read without SSH (nsenter into the container): sshd's journal (how many
 * logins it accepted) and `ss` (the established connections to port 22 and their peer ports).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labBoot, labPowerOff } from '@tsplay/lab';
import { etcdArgs, explain, hostNames, lab, newStateDir, tsplay } from '../faults/helpers.js';
import { ensureLab, inContainer } from '../faults/host-control.js';

let stateDir: string;
let persistDir: string;
const env = (): Record<string, string> => ({ TSPLAY_PERSIST: '60', TSPLAY_PERSIST_DIR: persistDir });

beforeAll(async () => {
  await ensureLab(3);
  lab();
  stateDir = newStateDir('persist');
  persistDir = mkdtempSync(join(tmpdir(), 'tsplay-e2e-persist-'));
});

afterAll(async () => {
  // Stop the daemon these runs started (it would exit by itself 60 s after the last run).
  try {
    // One daemon per CLI build, in <dir>/<build>/daemon.json.
    for (const b of readdirSync(persistDir)) {
      const { pid } = JSON.parse(readFileSync(join(persistDir, b, 'daemon.json'), 'utf8')) as { pid: number };
      process.kill(pid, 'SIGTERM');
    }
  } catch {
    /* already gone */
  }
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(persistDir, { recursive: true, force: true });
});

/**
 * Logins sshd accepted on host `i` from the whole second `since` (epoch seconds) on, in its journal. Counted from
 * a time, not since boot: on a long-lived lab the volatile journal drops its oldest entries as it fills.
 */
async function accepted(i: number, since: number): Promise<number> {
  const log = await inContainer(i, ['journalctl', '_COMM=sshd', '-o', 'cat', '--no-pager', '--since', `@${since}`]);
  return log.split('\n').filter((l) => l.startsWith('Accepted publickey')).length;
}

/** Waits for the next whole second of the clock the hosts share with this machine, and returns it. */
async function nextSecond(): Promise<number> {
  const next = Math.floor(Date.now() / 1000) + 1;
  while (Date.now() < next * 1000) await new Promise((r) => setTimeout(r, next * 1000 - Date.now()));
  return next;
}

/** Peer ports of the established connections to sshd on host `i`. */
async function peers(i: number): Promise<string[]> {
  const out = await inContainer(i, ['ss', '-tnH', 'state', 'established', '( sport = :22 )']);
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/).pop() ?? '')
    .filter(Boolean);
}

const all = <T>(f: (i: number) => Promise<T>): Promise<T[]> => Promise.all(hostNames().map((_, i) => f(i)));

describe('persistent connections on the lab', () => {
  it('1. the etcd playbook twice: the second run opens no SSH connection (same peer ports, no new login)', async () => {
    const first = await tsplay(etcdArgs(), { stateDir, env: env() });
    expect(first.code, explain(first)).toBe(0);
    const peersBefore = await all(peers);
    const since = await nextSecond(); // the first run's logins are all before it
    const second = await tsplay(etcdArgs(), { stateDir, env: env() });
    expect(second.code, explain(second)).toBe(0);
    expect(second.changed).toEqual([]);
    expect(await all((i) => accepted(i, since))).toEqual(hostNames().map(() => 0));
    const peersAfter = await all(peers);
    for (const [i, ps] of peersAfter.entries())
      expect(ps.filter((p) => peersBefore[i]?.includes(p)).length, `host ${i}: ${ps.join(' ')}`).toBeGreaterThan(0);
    // and the control: with --persist 0 every host logs in again
    const direct = await tsplay([...etcdArgs(), '--persist', '0'], { stateDir, env: env() });
    expect(direct.code, explain(direct)).toBe(0);
    expect(await all((i) => accepted(i, since))).toEqual(hostNames().map(() => 1));
  });

  it('2. a host rebooted between two runs: the dead persisted connection is re-dialled and the run succeeds', async () => {
    const warm = await tsplay(etcdArgs(), { stateDir, env: env() });
    expect(warm.code, explain(warm)).toBe(0);
    await labPowerOff(1);
    await labBoot(1);
    const since = await nextSecond();
    const after = await tsplay(etcdArgs(), { stateDir, env: env() });
    expect(after.code, explain(after)).toBe(0);
    // host 1 was dialled again (one login on its new boot); the others kept their connections
    expect(await all((i) => accepted(i, since))).toEqual([0, 1, 0]);
    expect(after.results.filter((r) => r.status === 'unreachable')).toEqual([]);
  });
});
