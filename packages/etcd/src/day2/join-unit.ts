/**
 * The learner's window (issue 28), pure parts. A learner refuses every client request but serializable reads
 * and status (`etcdserver: rpc not supported for learner`, not retried by clientv3), so a client given every
 * member's URL would fail its puts there until the learner is promoted. So the learner serves clients on
 * 127.0.0.1 only, and advertises that: from other hosts its client port refuses connections, which clientv3's
 * balancer and the gateway writer skip. Once promoted, the member gets its normal unit (the role's, with its
 * internal IP) and one restart, while no remote client is connected to it. etcd 3.4 has no flag to keep a
 * member off its client URL, and its listeners are fixed at start, so the restart is the price.
 */
import { quote, sh, TsplayError } from '@tsplay/core';
import type { MemberStatus } from '../members.js';
import { clientUrl, peerUrl, type EtcdMember } from '../unit.js';

export const LOOPBACK_CLIENT = 'https://127.0.0.1:2379';
/** In a unit file and in etcd's command line: this member serves clients on 127.0.0.1 only. */
export const LEARNER_MARK = `--advertise-client-urls ${LOOPBACK_CLIENT}`;

/** Pure: the learner's unit, from its normal unit (etcdUnit's flags for `ip`): clients on 127.0.0.1 only. */
export function learnerUnit(unit: string, ip: string): string {
  const listen = `--listen-client-urls ${clientUrl(ip)},${LOOPBACK_CLIENT} `;
  const advertise = `--advertise-client-urls ${clientUrl(ip)} `;
  if (!unit.includes(listen) || !unit.includes(advertise))
    throw new TsplayError('ETCD_JOIN_FAILED', `the join unit has no client URLs for ${ip} to narrow to 127.0.0.1`, {
      hint: 'a bug of @tsplay/etcd: the unit is etcdUnit() for this member',
    });
  return unit.replace(listen, `--listen-client-urls ${LOOPBACK_CLIENT} `).replace(advertise, `${LEARNER_MARK} `);
}

/** The unit file on the host and the running etcd: still in the learner's form? */
export interface LearnerForm {
  unit: boolean;
  running: boolean;
}

/** Read-only: the unit file holds the mark; the main process of etcd.service runs with it (/proc/PID/cmdline). */
export function learnerFormScript(unitPath: string): string {
  const mark = quote(LEARNER_MARK);
  return [
    sh`if grep -qF -e ${LEARNER_MARK} ${unitPath} 2>/dev/null; then echo '@@learner-unit yes'; else echo '@@learner-unit no'; fi`,
    `p=$(systemctl show -p MainPID --value etcd 2>/dev/null); if [ -n "$p" ] && [ "$p" != 0 ] && tr '\\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -qF -e ${mark}; then echo '@@learner-run yes'; else echo '@@learner-run no'; fi`,
  ].join('\n');
}

/** Pure. */
export function parseLearnerForm(out: string): LearnerForm {
  return { unit: /^@@learner-unit yes$/m.test(out), running: /^@@learner-run yes$/m.test(out) };
}

export type JoinState = 'unknown' | 'absent' | 'learner' | 'voter';

/** Pure: what the join still has to do on this host. */
export function joinWork(state: JoinState, form: LearnerForm): 'join' | 'complete' | 'finish' | 'none' {
  if (state === 'voter') return form.unit || form.running ? 'finish' : 'none';
  return state === 'learner' ? 'complete' : 'join';
}

export const JOIN_SUMMARY = {
  join: 'add as a learner serving clients on 127.0.0.1 only, start, wait until caught up, promote, then the normal unit and one restart',
  complete: 'complete the half-done join (learner added, not promoted): start on 127.0.0.1 only, catch up, promote, normal unit, restart',
  finish: 'finish the join: the member is a voter still serving clients on 127.0.0.1 only; write the normal unit and restart it',
} as const;

/** Pure: the members etcd lists, named and addressed from the target (unstarted members have no name yet). */
export function joinedMembers(list: readonly MemberStatus[], target: readonly EtcdMember[]): EtcdMember[] {
  return list.flatMap((m) => {
    const t = target.find((x) => m.peerUrls.includes(peerUrl(x.ip)));
    const ip = t?.ip ?? /^https:\/\/([^:/]+):/.exec(m.peerUrls[0] ?? '')?.[1];
    return ip ? [{ name: m.name || t?.name || m.id, ip }] : [];
  });
}
