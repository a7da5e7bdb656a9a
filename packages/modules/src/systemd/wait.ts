/**
 * Waiting for a unit after `systemctl start --no-block`: a poll loop that runs on the host in
 * chunks (one round trip per chunk, not per poll) and a pure judge of what the state means.
 */
import { sh } from '../kit/index.js';

export interface WaitState {
  active: string;
  sub: string;
  result: string;
  type: string;
  /** Jobs systemd still has queued for the unit (start/restart not finished yet). */
  jobs: number;
}

export type Verdict =
  | { kind: 'done' }
  | { kind: 'failed'; why: string }
  | { kind: 'ready-pending'; why: string }
  | { kind: 'timeout'; why: string }
  | { kind: 'wait' };

export interface WaitPolicy {
  timeoutMs: number;
  /** Type=notify units that run but are not ready count as started after this long (0: never). */
  notifyGraceMs: number;
}

/** Pure: what a polled state means `elapsedMs` after the start job was queued. */
export function judge(s: WaitState, elapsedMs: number, p: WaitPolicy): Verdict {
  // While our start/restart job is still queued, the state is the old one (active before a restart,
  // failed before a start): only a state without a pending job answers.
  const settled = s.jobs === 0;
  if (settled && (s.active === 'active' || s.active === 'reloading')) return { kind: 'done' };
  if (settled && s.active === 'failed') return { kind: 'failed', why: `it failed (result: ${s.result || 'unknown'})` };
  if (settled && s.sub === 'auto-restart')
    return { kind: 'failed', why: `its process exited (result: ${s.result || 'unknown'}) and systemd is about to restart it` };
  if (settled && s.active === 'inactive') {
    // The start job is over without the unit staying active: a oneshot that ran, or a failure.
    return s.result === 'success' || s.result === '' ? { kind: 'done' } : { kind: 'failed', why: `it stopped (result: ${s.result})` };
  }
  const notifyWaiting = s.active === 'activating' && s.sub === 'start' && s.type.startsWith('notify');
  if (notifyWaiting && p.notifyGraceMs > 0 && elapsedMs >= p.notifyGraceMs) {
    return {
      kind: 'ready-pending',
      why: `its process runs but has not reported ready after ${Math.round(elapsedMs / 1000)} s (Type=${s.type}: e.g. etcd waits for a quorum of its peers); not waiting longer`,
    };
  }
  if (elapsedMs >= p.timeoutMs) return { kind: 'timeout', why: `still ${s.active}/${s.sub} after ${Math.round(elapsedMs / 1000)} s` };
  return { kind: 'wait' };
}

/** Parses the `KEY=value` lines the poll script prints last. */
export function parseWaitState(out: string): WaitState {
  const kv = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const jobs = Number(kv.get('Jobs') ?? '0');
  return {
    active: kv.get('ActiveState') ?? 'unknown',
    sub: kv.get('SubState') ?? '',
    result: kv.get('Result') ?? '',
    type: kv.get('Type') ?? '',
    jobs: Number.isFinite(jobs) ? jobs : 0,
  };
}

/**
 * Polls the unit on the host up to `polls` times, `intervalMs` apart, stopping early once no job is
 * queued for it (the start/restart ran: active, failed, auto-restart or inactive; or a Type=notify
 * unit activating, which `judge` then weighs), then prints its state as KEY=value lines.
 */
export function pollScript(unit: string, polls: number, intervalMs: number): string {
  const interval = (intervalMs / 1000).toFixed(3);
  const jobs = sh`systemctl list-jobs --no-legend --no-pager 2>/dev/null | awk -v u=${unit} '$2==u{n++} END{print n+0}'`;
  return [
    'i=0',
    'while :; do',
    // the loop only waits for the unit's start/stop job to finish; the state is read once, after it
    `  j=$(${jobs})`,
    '  [ "$j" = 0 ] && break',
    sh`  i=$((i+1)); [ "$i" -ge ${polls} ] && break`,
    sh`  sleep ${interval}`,
    'done',
    sh`systemctl show -p ActiveState -p SubState -p Result -p Type ${unit}`,
    `printf 'Jobs=%s\\n' "$j"`,
  ].join('\n');
}
