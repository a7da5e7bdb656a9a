/**
 * The verification's first try, as one fact for both checks: one `curl` asks the member's client URL for
 * `/health` and for the gRPC gateway's member list over one TLS connection, with the same certificates as
 * etcdctl. Two etcdctl starts (a Go binary and a TLS handshake each) cost a host ~100 ms; this costs ~40.
 * The member list is the same MemberList call etcdctl makes; `/health` is at least as strict as
 * `endpoint health` (it also fails on an alarm or a member without a leader). Any answer that is not a clean
 * pass (curl missing, a refused connection, a problem) sends the task to its apply, which asks etcdctl
 * itself, with retries: the fast path can only confirm what etcdctl would.
 */
import { sh, type ExecResult } from '@tsplay/core';
import { curlTls, tlsReadable } from './schemas.js';
import { memberProblems, parseMemberListJson, type EndpointHealth, type MemberStatus } from './members.js';
import type { VerifyArgs } from './verify.js';

/** Ends each answer of the curl probe: `MARK <http status> <seconds>`. */
const MARK = '__tsplay_curl';

/**
 * One `curl` asking a member's client URL `endpoint` for `/health`, then for the member list over the same
 * connection, `opts` (timeouts, certificates) for both; each answer ends in `MARK <http status> <seconds>`, also
 * where the connection failed (`000`): `parseClusterProbe` reads it. The bootstrap guard asks each peer this way.
 */
export function healthAndMembersCurl(endpoint: string, opts: readonly string[]): string {
  const o = [...opts, '-w', `\\n${MARK} %{http_code} %{time_total}\\n`];
  return sh`curl ${o} ${`${endpoint}/health`} --next ${o} --data '{}' ${`${endpoint}/v3/cluster/member/list`}`;
}

/**
 * The first try's command. Without the certificate files, or where the probe's user cannot read one of them (a
 * fresh host's first probe, before they are written), no member can be asked: it says so without starting curl.
 */
export function clusterProbeCommand(a: VerifyArgs): string {
  const curl = healthAndMembersCurl(a.endpoint, ['-sS', '--max-time', String(Math.ceil(a.commandTimeoutMs / 1000)), ...curlTls(a)]);
  const files = [a.caFile, a.certFile, a.keyFile];
  const missing = `the client certificate files (${files.join(', ')}) are not all there and readable: nothing to ask ${a.endpoint} with`;
  return `if ${tlsReadable(a)}; then ${curl}; else ${sh`echo ${missing}`} >&2; false; fi`;
}

interface Answer {
  body: string;
  status: number;
  seconds: number;
}

/** The two answers (health, member list) of `clusterProbeCommand`'s output, or undefined when it has not both. */
export function parseClusterProbe(stdout: string): { health: Answer; members: Answer } | undefined {
  const parts = stdout.split(new RegExp(`\\n${MARK} (\\d{3}) ([0-9.]+)\\n`));
  if (parts.length < 7) return undefined;
  const answer = (i: number): Answer => ({ body: parts[i] ?? '', status: Number(parts[i + 1]), seconds: Number(parts[i + 2]) });
  return { health: answer(0), members: answer(3) };
}

function healthOf(a: VerifyArgs, h: Answer): EndpointHealth {
  const took = `${(h.seconds * 1000).toFixed(1)}ms`;
  try {
    const doc = JSON.parse(h.body) as { health?: unknown; reason?: unknown };
    const ok = h.status === 200 && (doc.health === 'true' || doc.health === true);
    const reason = typeof doc.reason === 'string' && doc.reason !== '' ? doc.reason : `HTTP ${h.status}`;
    return { endpoint: a.endpoint, health: ok, took, ...(ok ? {} : { error: reason }) };
  } catch {
    return { endpoint: a.endpoint, health: false, took, error: `HTTP ${h.status}: ${h.body.trim().slice(0, 200)}` };
  }
}

/** Pure: what the first try shows for this task's check ([] when it passes). */
export function judgeClusterProbe(
  a: VerifyArgs,
  r: ExecResult,
): { problems: string[]; result: { members?: MemberStatus[] | undefined; health?: EndpointHealth[] | undefined } } {
  const p = r.code === 0 ? parseClusterProbe(r.stdout) : undefined;
  if (!p) {
    const why = r.stderr.trim().split('\n').pop() || `exit ${r.code}`;
    return { problems: [`could not ask ${a.endpoint}: ${why.slice(0, 300)}`], result: {} };
  }
  if (a.check === 'health') {
    const health = [healthOf(a, p.health)];
    return { problems: health.filter((h) => !h.health).map((h) => `${h.endpoint} is unhealthy: ${h.error}`), result: { health } };
  }
  if (p.members.status !== 200) return { problems: [`the member list answered HTTP ${p.members.status}`], result: {} };
  try {
    const members = parseMemberListJson(p.members.body).members;
    return { problems: memberProblems(members, a.members), result: { members } };
  } catch (e) {
    return { problems: [(e as Error).message], result: {} };
  }
}
