/**
 * Pure parsers for etcdctl output and the checks the verification makes. IDs are uint64: JSON.parse
 * would round them, so they are read as strings and shown in hex like `etcdctl member list` does.
 */
import { clientUrl, peerUrl, type EtcdMember } from './unit.js';

export interface MemberStatus {
  /** Hex, as the table output prints it (e.g. `3a57933972cb5131`). */
  id: string;
  /** Empty for a member that was added but has not started yet. */
  name: string;
  status: 'started' | 'unstarted';
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

export interface MemberList {
  clusterId: string;
  /** The member that answered. */
  memberId: string;
  members: MemberStatus[];
}

const BIG = /"(ID|cluster_id|member_id|raft_term|revision)"\s*:\s*(\d+)/g;

/** Decimal (number or string) -> hex; '' when absent. */
function hexId(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number') return '';
  const s = String(v);
  return /^\d+$/.test(s) ? BigInt(s).toString(16) : s;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** `etcdctl member list -w json` (or the gRPC gateway's `/v3/cluster/member/list`, which quotes IDs). */
export function parseMemberListJson(text: string): MemberList {
  const header = text.indexOf('{"header"');
  const start = header >= 0 ? header : text.indexOf('{');
  if (start < 0) throw new Error(`not a member list: ${text.trim().slice(0, 200) || '(empty output)'}`);
  const end = text.lastIndexOf('}');
  const doc = JSON.parse(text.slice(start, end + 1).replace(BIG, '"$1":"$2"')) as {
    header?: Record<string, unknown>;
    members?: Record<string, unknown>[];
  };
  return {
    clusterId: hexId(doc.header?.cluster_id),
    memberId: hexId(doc.header?.member_id),
    members: (doc.members ?? []).map((m) => {
      const name = typeof m.name === 'string' ? m.name : '';
      const clientUrls = strings(m.clientURLs);
      return {
        id: hexId(m.ID),
        name,
        status: name === '' && clientUrls.length === 0 ? 'unstarted' : 'started',
        peerUrls: strings(m.peerURLs),
        clientUrls,
        isLearner: m.isLearner === true,
      };
    }),
  };
}

/** The plain table: `3a57933972cb5131, started, controller-2, https://10.240.0.12:2380, https://10.240.0.12:2379, false`. */
export function parseMemberListTable(text: string): MemberStatus[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[0-9a-f]+, (started|unstarted),/.test(l))
    .map((l) => {
      const [id = '', status = '', name = '', peers = '', ...rest] = l.split(', ');
      const learner = rest.pop() === 'true';
      const list = (s: string) => s.split(',').filter(Boolean);
      return {
        id,
        name,
        status: status as MemberStatus['status'],
        peerUrls: list(peers),
        clientUrls: list(rest.join(', ')),
        isLearner: learner,
      };
    });
}

export interface EndpointHealth {
  endpoint: string;
  health: boolean;
  took: string;
  error?: string | undefined;
}

/** `etcdctl endpoint health -w json`: `[{"endpoint":"https://127.0.0.1:2379","health":true,"took":"1.4ms"}]`. */
export function parseEndpointHealth(text: string): EndpointHealth[] {
  const start = text.indexOf('[');
  if (start < 0) throw new Error(`not an endpoint health report: ${text.trim().slice(0, 200) || '(empty output)'}`);
  const end = text.lastIndexOf(']');
  const doc = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>[];
  return doc.map((e) => ({
    endpoint: String(e.endpoint ?? ''),
    health: e.health === true || e.health === 'true',
    took: String(e.took ?? ''),
    error: typeof e.error === 'string' ? e.error : undefined,
  }));
}

/**
 * What is wrong with the cluster compared to the inventory: every expected member listed
 * `started` with its peer and client URLs, and no member the inventory does not know.
 */
export function memberProblems(list: readonly MemberStatus[], expected: readonly EtcdMember[]): string[] {
  const problems: string[] = [];
  for (const e of expected) {
    const m = list.find((x) => x.name === e.name) ?? list.find((x) => x.peerUrls.includes(peerUrl(e.ip)));
    if (!m) {
      problems.push(`${e.name} is not a member of the cluster`);
      continue;
    }
    if (m.status !== 'started') problems.push(`${e.name} (${peerUrl(e.ip)}) is ${m.status}`);
    if (m.isLearner) problems.push(`${e.name} is still a learner`);
    if (m.name && m.name !== e.name) problems.push(`the member with peer URL ${peerUrl(e.ip)} is named ${m.name}, expected ${e.name}`);
    if (m.peerUrls.join(',') !== peerUrl(e.ip))
      problems.push(`${e.name} has peer URLs ${m.peerUrls.join(',') || '(none)'}, expected ${peerUrl(e.ip)}`);
    if (m.status === 'started' && m.clientUrls.join(',') !== clientUrl(e.ip)) {
      problems.push(`${e.name} has client URLs ${m.clientUrls.join(',') || '(none)'}, expected ${clientUrl(e.ip)}`);
    }
  }
  for (const m of list) {
    const known = expected.some((e) => e.name === m.name || m.peerUrls.includes(peerUrl(e.ip)));
    if (!known) problems.push(`member ${m.name || m.id} (${m.peerUrls.join(',')}) is not in the inventory`);
  }
  return problems;
}
