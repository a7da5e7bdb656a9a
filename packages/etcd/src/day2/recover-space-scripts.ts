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

/** `etcdctl compact REV`: done, done before (etcd says the revision is compacted already), or failed. */
export function compactOutcome(code: number, text: string): 'compacted' | 'already' | 'failed' {
  if (code === 0) return 'compacted';
  return /required revision has been compacted/.test(text) ? 'already' : 'failed';
}

export const probeKey = (name: string): string => `/tsplay/write-probe/${name}`;

/** Put, get and delete `key`; one `@@step rc output` line each (the output on one line). */
export function writeProbeScript(t: EtcdctlTarget, key: string, value: string): string {
  const step = (name: string, args: readonly string[]) => `o=$(${etcdctl(t, args)} 2>&1); echo "@@${name} $? $(printf %s "$o" | tr '\\n' ' ')"`;
  return [step('put', ['put', key, value]), step('get', ['get', key, '--print-value-only']), step('del', ['del', key])].join("\n");
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
