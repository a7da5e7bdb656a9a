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

/** Longest single poll exec; between chunks the run can be interrupted. */
export const CHUNK_MS = 2_000;

/**
 * Pure: the polls of the chunk of the wait that begins `elapsedMs` into it: at most CHUNK_MS, and never past
 * the notify grace (so `judge` weighs a waiting Type=notify unit on time) or the timeout; at least one poll.
 */
export function chunkPolls(p: WaitPolicy & { intervalMs: number }, elapsedMs: number): { polls: number; budgetMs: number } {
  let budgetMs = Math.min(CHUNK_MS, Math.max(0, p.timeoutMs - elapsedMs));
  if (p.notifyGraceMs > 0 && elapsedMs < p.notifyGraceMs) budgetMs = Math.min(budgetMs, p.notifyGraceMs - elapsedMs);
  return { polls: Math.max(1, Math.ceil(budgetMs / p.intervalMs)), budgetMs };
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
 * unit activating, which `judge` then weighs), then prints its state as KEY=value lines. One `systemctl show`
 * a poll reads both the unit's job (`Job=`, empty once none is queued: a unit has at most one) and its state,
 * so the last poll's answer is the state printed (no `list-jobs` piped to `awk`, no show after the loop).
 */
export function pollScript(unit: string, polls: number, intervalMs: number): string {
  const interval = (intervalMs / 1000).toFixed(3);
  return [
    'i=0',
    'while :; do',
    sh`  s=$(systemctl show -p Job -p ActiveState -p SubState -p Result -p Type ${unit})`,
    '  case "$s" in *Job=[0-9]*) j=1;; *) j=0; break;; esac',
    sh`  i=$((i+1)); [ "$i" -ge ${polls} ] && break`,
    sh`  sleep ${interval}`,
    'done',
    `printf '%s\\nJobs=%s\\n' "$s" "$j"`,
  ].join('\n');
}

/**
 * The actions and, once every one of them ran, the first chunk of the wait in the same script: a unit that
 * settles within the chunk costs one exec. `mark` (a nonce) ends the actions' output; a failed action exits
 * with its code before it, so no mark means the actions failed.
 */
export function startAndPollScript(actions: string, poll: string, mark: string): string {
  return [`${actions} || exit $?`, sh`printf '%s\\n' ${mark}`, poll].join('\n');
}

/** The poll's output after the mark, or undefined when the actions failed before it (see startAndPollScript). */
export function afterMark(stdout: string, mark: string): string | undefined {
  const i = stdout.indexOf(`${mark}\n`);
  return i < 0 ? undefined : stdout.slice(i + mark.length + 1);
}
