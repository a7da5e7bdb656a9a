/**
 * Does a running member need a restart to load changed certificates? Pure parts of the rolling restart:
 * the read-only state script (unit state, the main process's start time, the ctime of the watched files,
 * this member's status), its parser and the judge.
 *
 * The answer is read from the host, not remembered: a watched file (the CA file, see certs-roll.ts) whose
 * ctime is later than the start of etcd's main process was changed while etcd ran. So a run that copied a
 * new CA file and then died before the restart is still restarted by the next run (as durable as a stored notification,
 * and right after any out-of-band restart too). Times are whole seconds and the comparison is strict: a
 * file written in the same second etcd started counts as loaded.
 */
import { raw, sh } from '@tsplay/core';
import { unitShowRead, type UnitShow } from '@tsplay/core/module';
import { etcdctl, type Tls } from './probe.js';
import { parseEndpointStatus } from './status.js';

export interface RestartState {
  /** etcd's ActiveState (what `systemctl is-active etcd` prints). */
  active: string;
  /** Epoch seconds of ExecMainStartTimestamp; undefined when etcd has no main process. */
  startedAt: number | undefined;
  /** Watched files with their ctime (epoch seconds); undefined when the file is missing. */
  files: { path: string; ctime: number | undefined }[];
  /** Hex member ID of this member and the leader it sees ('' when unknown). */
  memberId: string;
  leader: string;
}

export interface StateArgs extends Tls {
  watch: readonly string[];
  etcdctl?: string;
}

/** The unit's state and its main process's start, from the `systemctl show` a probe shares with the systemd module's unit fact. */
export const RESTART_SHOW: UnitShow = { unit: 'etcd.service', props: ['ActiveState', 'ExecMainStartTimestamp'] };

/**
 * Read-only; one line per item, `@@tag value`. The member's status (who leads, one etcdctl start and TLS
 * handshake) is read only where it can matter: when a watched file changed after etcd started, or (`pending`,
 * check mode) when an earlier task would change one. A member that needs no restart is never asked.
 */
export function restartStateScript(a: StateArgs & { pending?: boolean | undefined }): string {
  const local = etcdctl({ ...a, endpoints: ['https://127.0.0.1:2379'] }, ['endpoint', 'status', '-w', 'json']);
  return [
    // the unit's state and its main process's start from one `systemctl show` (ActiveState is what is-active prints;
    // the batch's, shared with the unit fact), the start as epoch seconds where systemd can say so (--timestamp=unix,
    // systemd 248+: no `date` process)
    `a=; t=; ${unitShowRead(RESTART_SHOW.unit, RESTART_SHOW.props, 'v')}; set -f; IFS='\n'; set -- $v; unset IFS; set +f`,
    `for l do case "$l" in ActiveState=*) a=\${l#ActiveState=};; ExecMainStartTimestamp=*) t=\${l#ExecMainStartTimestamp=};; esac; done; echo "@@active $a"`,
    `s=; case $t in '') ;; @*) s=\${t#@};; *) s=$(date -d "$t" +%s 2>/dev/null);; esac; [ -z "$t" ] || echo "@@started $s"`,
    `n=${a.pending ? 1 : ''}`,
    ...a.watch.map(
      (p) =>
        sh`c=$(stat -c %Z ${p} 2>/dev/null) || c=-; echo "@@file $c "${p}; case "$c$s" in *[!0-9]*) ;; *) [ -n "$s" ] && [ "$c" -gt "$s" ] && n=1;; esac`,
    ),
    sh`if [ "$a" = active ] && [ -n "$n" ]; then echo "@@status $(${raw(local)} 2>/dev/null | grep '^\\[')"; fi`,
  ].join('\n');
}

/** Pure. */
export function parseRestartState(out: string): RestartState {
  const lines = out.split('\n');
  const tag = (t: string) =>
    lines
      .find((l) => l.startsWith(`@@${t} `))
      ?.slice(t.length + 3)
      .trim() ?? '';
  const started = Number(tag('started'));
  const files = lines
    .filter((l) => l.startsWith('@@file '))
    .map((l) => {
      const [, ctime = '-', ...path] = l.split(' ');
      return { path: path.join(' '), ctime: /^\d+$/.test(ctime) ? Number(ctime) : undefined };
    });
  let memberId = '';
  let leader = '';
  try {
    const s = parseEndpointStatus(tag('status'))[0];
    memberId = s?.memberId ?? '';
    leader = s?.leader ?? '';
  } catch {
    /* not running, or no answer: no leader known */
  }
  return {
    active: tag('active'),
    startedAt: tag('started') !== '' && Number.isFinite(started) && started > 0 ? started : undefined,
    files,
    memberId,
    leader,
  };
}

export interface NeedInput {
  /** Check mode: an earlier task of this run would change a watched file. */
  pending?: boolean | undefined;
  /** An earlier task of this run (re)starts etcd anyway, after the files changed. */
  restartedAnyway?: boolean | undefined;
  /** This run already restarted the member (the leader phase after the followers phase). */
  done?: boolean | undefined;
}

export interface RestartNeed {
  need: boolean;
  /** This member led the cluster when the state was read. */
  leader: boolean;
  reason: string;
}

const RUNNING = new Set(['active', 'activating', 'reloading']);

/** Pure: restart when etcd runs and a watched file changed after it started (or, in check mode, would change). */
export function judgeRestart(s: RestartState, n: NeedInput = {}): RestartNeed {
  const leader = s.memberId !== '' && s.memberId === s.leader;
  const no = (reason: string): RestartNeed => ({ need: false, leader, reason });
  if (n.done) return no('restarted earlier in this run');
  if (!RUNNING.has(s.active)) return no(`etcd is ${s.active || 'not running'}: it loads the files when it starts`);
  if (n.restartedAnyway) return no('restarted by start etcd in this run');
  const newer = s.startedAt === undefined ? [] : s.files.filter((f) => f.ctime !== undefined && f.ctime > (s.startedAt as number));
  if (newer.length > 0) return { need: true, leader, reason: `${newer.map((f) => f.path).join(', ')} changed after etcd started` };
  if (n.pending) return { need: true, leader, reason: 'a certificate would change while etcd runs' };
  return no('etcd runs with the current certificates');
}
