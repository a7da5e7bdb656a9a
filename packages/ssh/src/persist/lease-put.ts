import type { PutOptions } from '@tsplay/core/transport';
import { hostRunStart, putError, putScript } from '../put-script.js';
import type { Pooled } from './pool.js';

/** What a put through a lease of a pooled connection needs: the connection and when the lease began. */
export interface PutLease {
  p: Pooled;
  /** When the lease began: its writes clear temp files older than its own run, as a direct connection does. */
  since: number;
  /** `since` on the host's clock, asked at its first put. */
  hostSince?: Promise<number | undefined> | undefined;
}

/** SshConnection.put for a lease (a socket client's or a hosted run's), with the lease's own start as the run's. */
export async function leasePut(l: PutLease, path: string, bytes: Buffer, opts: PutOptions): Promise<void> {
  l.hostSince ??= hostRunStart((c) => l.p.conn.execRaw(c), l.since);
  const staleBefore = await l.hostSince;
  const r = await l.p.conn.execRaw(putScript(path, bytes.length, opts, staleBefore), {
    become: opts.become,
    becomeMethod: opts.becomeMethod,
    stdin: bytes,
    timeoutMs: 0,
  });
  if (r.code !== 0) throw putError(r, path, l.p.conn.host);
}
