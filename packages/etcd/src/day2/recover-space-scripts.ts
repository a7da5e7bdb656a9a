/** Pure parts of the NOSPACE recovery (recover-space.ts): the revision, the compaction's outcome, the write probe's script and verdict. */
import { sh } from '@tsplay/modules/kit';
import { etcdctl, type EtcdctlTarget } from './probe.js';

export const QUOTA_HINT =
  'the live data may still be over the quota after compaction and defragmentation: delete keys (etcdctl del), or raise etcdQuotaBackendBytes and converge with etcd.ts, then run etcd-recover-space.ts again';

/** The cluster's current revision: the highest header revision in `endpoint status -w json`, or why there is none. */
export function parseRevision(text: string): number | string {
  const line = text.split('\n').find((l) => l.startsWith('[{'));
  if (!line) return `not an endpoint status report: ${text.trim().slice(0, 200) || '(empty output)'}`;
  const revs = [...line.matchAll(/"revision":(\d+)/g)].map((m) => Number(m[1]));
  return revs.length === 0 ? 'no revision in the endpoint status' : Math.max(...revs);
}

export interface Revision {
  /** The cluster's current revision. */
  revision: number;
  /** The keyspace is already compacted to it (a read at revision - 1 is refused as compacted). */
  compacted: boolean;
}

/**
 * Read-only: the current revision (endpoint status) and whether it is compacted already: etcd refuses a read
 * at revision r when r < the compacted revision, so a refused read at current - 1 means compacted at current.
 */
export function revisionScript(t: EtcdctlTarget): string {
  const status = etcdctl(t, ['endpoint', 'status', '-w', 'json']);
  // $R is computed by the shell from digits only; a flag after the args is read as one by etcdctl
  const probe = `${etcdctl(t, ['get', '/', '--limit=1', '--keys-only'])} --rev=$R`;
  return [
    `s=$(${status} 2>&1); printf '%s\n' "$s"`,
    `r=$(printf %s "$s" | grep -o '"revision":[0-9]*' | cut -d: -f2 | sort -n | tail -1)`,
    `if [ -n "$r" ] && [ "$r" -gt 1 ]; then R=$((r - 1)); o=$(${probe} 2>&1); case "$o" in *'has been compacted'*) echo '@@compacted';; esac; fi`,
  ].join('\n');
}

/** Pure: the revision script's output. */
export function parseRevisionProbe(out: string): Revision | string {
  const revision = parseRevision(out);
  return typeof revision === 'string' ? revision : { revision, compacted: /^@@compacted$/m.test(out) };
}

/** `etcdctl compact REV`: done, done before (etcd says the revision is compacted already), or failed. */
export function compactOutcome(code: number, text: string): 'compacted' | 'already' | 'failed' {
  if (code === 0) return 'compacted';
  return /required revision has been compacted/.test(text) ? 'already' : 'failed';
}

export const probeKey = (name: string): string => `/tsplay/write-probe/${name}`;

/** Put, get and delete `key`; one `@@step rc output` line each (the output on one line). */
export function writeProbeScript(t: EtcdctlTarget, key: string, value: string): string {
  const step = (name: string, args: readonly string[]) =>
    `o=$(${etcdctl(t, args)} 2>&1); echo "@@${name} $? $(printf %s "$o" | tr '\\n' ' ')"`;
  return [step('put', ['put', key, value]), step('get', ['get', key, '--print-value-only']), step('del', ['del', key])].join('\n');
}

/** Pure: true when the put said OK, the get read `value` back and the delete removed one key; else why not. */
export function parseWriteProbe(out: string, value: string): true | string {
  const step = (name: string) => {
    const m = new RegExp(`^@@${name} (\\d+) ?(.*)$`, 'm').exec(out);
    return m ? { rc: Number(m[1]), text: (m[2] ?? '').trim() } : { rc: -1, text: '(no output)' };
  };
  const put = step('put');
  if (put.rc !== 0 || !/\bOK\b/.test(put.text)) return `put failed: ${put.text}`;
  const get = step('get');
  if (get.rc !== 0 || get.text !== value) return `get read ${JSON.stringify(get.text)}, not the value put`;
  const del = step('del');
  if (del.rc !== 0 || del.text !== '1') return `del: ${del.text}`;
  return true;
}
