/**
 * The idempotent run's floor (issue 29): node's own start, one exec round trip over an open connection with
 * sudo, and the probe script's host-side time (each host's own probe, timed on the hosts), all from the profile
 * (bench/profile.ts) of the same bench run. A profile from another run gives no floor.
 */
import { stat } from './stats.js';

export interface RunFloor {
  ms: number;
  nodeStartMs: number;
  execBecomeMs: number;
  probeHostMs: number;
  profileDate: string;
}

/** The bound: each of the idempotent re-run and `--check --diff` within this factor of the floor. */
export const FLOOR_FACTOR = 2.5;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function runFloor(profile: unknown, run: { date: string; finished: string }): RunFloor | undefined {
  if (!profile || typeof profile !== 'object') return undefined;
  const p = profile as { date?: unknown; floors?: Record<string, unknown>; roundTrips?: { probeScriptOnHostAloneMs?: unknown } };
  const date = typeof p.date === 'string' ? p.date : '';
  if (!(date >= run.date && date <= run.finished)) return undefined;
  const nodeStartMs = num(p.floors?.nodeStartMs);
  const execBecomeMs = num(p.floors?.execBecomeMs);
  const hostMs = p.roundTrips?.probeScriptOnHostAloneMs;
  const probe = Array.isArray(hostMs) ? stat(hostMs.filter((x): x is number => num(x) !== undefined)) : undefined;
  if (nodeStartMs === undefined || execBecomeMs === undefined || !probe || probe.n === 0) return undefined;
  return { ms: nodeStartMs + execBecomeMs + probe.median, nodeStartMs, execBecomeMs, probeHostMs: probe.median, profileDate: date };
}
