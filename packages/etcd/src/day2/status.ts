/**
 * Pure parsers for the etcdctl outputs the day-2 operations decide on, tested with real outputs
 * (src/fixtures/day2). IDs are uint64 and JSON.parse would round them: they are read as strings and shown
 * in hex like `etcdctl member list` does. etcdctl may print zap log lines (`{"level":...}`) and error
 * lines around the JSON; the parsers take the JSON line.
 */

const BIG = /"(ID|cluster_id|member_id|raft_term|revision|leader|memberID)"\s*:\s*(\d+)/g;

/** Decimal (number or string) -> hex; '' when absent or 0. */
export function hexId(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number') return '';
  const s = String(v);
  if (!/^\d+$/.test(s)) return s;
  const n = BigInt(s);
  return n === 0n ? '' : n.toString(16);
}

/** The first line of `text` that starts with `open` (a JSON document), parsed with uint64 IDs kept exact. */
function jsonLine(text: string, open: '[' | '{', what: string): unknown {
  const lines = text.split('\n').filter((l) => !l.startsWith('{"level"'));
  const line = lines.find((l) => l.startsWith(open));
  if (!line) throw new Error(`not ${what}: ${lines.join(' ').trim().slice(0, 200) || '(empty output)'}`);
  return JSON.parse(line.replace(BIG, '"$1":"$2"'));
}

export interface EndpointStatus {
  endpoint: string;
  /** Hex member ID of the member behind the endpoint. */
  memberId: string;
  /** Hex ID of the leader that member sees ('' when it sees none). */
  leader: string;
  version: string;
  raftIndex: number;
  raftAppliedIndex: number;
  raftTerm: number;
  dbSize: number;
  isLearner: boolean;
  errors: string[];
}

/** Endpoints etcdctl could not reach: `Failed to get the status of endpoint https://... (context deadline exceeded)`. */
export function failedEndpoints(text: string): { endpoint: string; error: string }[] {
  const out: { endpoint: string; error: string }[] = [];
  for (const m of text.matchAll(/^Failed to get the status of endpoint (\S+) \((.*)\)$/gm))
    out.push({ endpoint: m[1] ?? '', error: m[2] ?? '' });
  return out;
}

/** `etcdctl endpoint status -w json` (3.4 and 3.5 print the same shape). */
export function parseEndpointStatus(text: string): EndpointStatus[] {
  const doc = jsonLine(text, '[', 'an endpoint status report') as { Endpoint?: string; Status?: Record<string, unknown> }[];
  const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
  return doc.map((e) => {
    const s = e.Status ?? {};
    const header = (s.header ?? {}) as Record<string, unknown>;
    return {
      endpoint: String(e.Endpoint ?? ''),
      memberId: hexId(header.member_id),
      leader: hexId(s.leader),
      version: String(s.version ?? ''),
      raftIndex: num(s.raftIndex),
      raftAppliedIndex: num(s.raftAppliedIndex),
      raftTerm: num(s.raftTerm),
      dbSize: num(s.dbSize),
      isLearner: s.isLearner === true,
      errors: Array.isArray(s.errors) ? s.errors.map(String) : [],
    };
  });
}

/**
 * Pure: who leads, from `endpoint status` over the members: the status of the member that every answering
 * member names as leader and that says so of itself. A string says why there is none (no answer, members
 * that disagree or see no leader, a leader that did not answer).
 */
export function leaderOf(statuses: readonly EndpointStatus[]): EndpointStatus | string {
  if (statuses.length === 0) return 'no member answered endpoint status';
  const seen = new Set(statuses.map((s) => s.leader));
  if (seen.size !== 1 || seen.has('')) return `the members do not agree on one leader (${[...seen].map((l) => l || 'none').join(', ')})`;
  const self = statuses.find((s) => s.memberId !== '' && s.memberId === s.leader);
  return self ?? 'the leader did not answer endpoint status';
}

export interface Alarm {
  memberId: string;
  alarm: string;
}

/** etcdserverpb.AlarmType: etcdctl 3.4's JSON prints the number. */
const ALARM_TYPES = ['NONE', 'NOSPACE', 'CORRUPT'];

/** `etcdctl alarm list -w json`: `{}` when there is none, else `{"alarms":[{"memberID":..,"alarm":1}]}` (1 = NOSPACE, 2 = CORRUPT; a name is kept). */
export function parseAlarms(text: string): Alarm[] {
  const doc = jsonLine(text, '{', 'an alarm list') as { alarms?: Record<string, unknown>[] };
  return (doc.alarms ?? []).map((a) => ({
    memberId: hexId(a.memberID),
    alarm: typeof a.alarm === 'number' ? (ALARM_TYPES[a.alarm] ?? String(a.alarm)) : String(a.alarm ?? ''),
  }));
}

export interface SnapshotStatus {
  hash: number;
  revision: number;
  totalKey: number;
  totalSize: number;
}

/** `etcdutl snapshot status -w json` (or 3.4's `etcdctl snapshot status`; 3.5's etcdctl prints a deprecation first). */
export function parseSnapshotStatus(text: string): SnapshotStatus {
  const doc = jsonLine(text, '{', 'a snapshot status') as Record<string, unknown>;
  const n = (k: string): number => {
    const v = Number(doc[k]);
    if (!Number.isFinite(v)) throw new Error(`snapshot status has no ${k}: ${JSON.stringify(doc)}`);
    return v;
  };
  return { hash: n('hash'), revision: n('revision'), totalKey: n('totalKey'), totalSize: n('totalSize') };
}

/** GET /version: `{"etcdserver":"3.4.23","etcdcluster":"3.4.0"}`. */
export function parseVersionJson(text: string): { server: string; cluster: string } {
  const doc = jsonLine(text.trim(), '{', 'a /version answer') as Record<string, unknown>;
  return { server: String(doc.etcdserver ?? ''), cluster: String(doc.etcdcluster ?? '') };
}
