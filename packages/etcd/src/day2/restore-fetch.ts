/**
 * `etcd-snapshot-fetch`: bring the snapshot from the member that has it (`etcdRestoreHost`) to a temp dir
 * on the workstation, so a `copy` can put the same bytes on every member. It only reads the host, so it
 * also runs in check mode (the copies after it then plan against the real bytes). The workstation file
 * is checked like a local snapshot (bolt magic, trailing sha256) before it is used.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { defineModule, TsplayError } from '@tsplay/core';
import { z } from 'zod';
import { hostPath } from '../schemas.js';
import { snapshotBytesProblem } from './restore-check.js';

export const fetchArgs = z.object({
  path: hostPath('path'),
});

export interface FetchedSnapshot {
  /** The workstation copy. */
  local: string;
  sha256: string;
  size: number;
}

export const etcdSnapshotFetch = defineModule({
  name: 'etcd-snapshot-fetch',
  args: fetchArgs,
  facts: () => ({}),
  plan: (_f, a) => ({ changed: false, run: true, summary: `read ${a.path} to the workstation` }),
  readOnly: () => true,
  reads: (a) => [a.path],
  apply: async (ctx, a): Promise<{ changed: false; data: FetchedSnapshot; stdout: string }> => {
    const buf = await ctx.conn.read(a.path, { become: true });
    const problem = snapshotBytesProblem(buf);
    if (problem) {
      throw new TsplayError('ETCD_SNAPSHOT_INVALID', `the snapshot cannot be restored: ${a.path}: ${problem}`, {
        host: ctx.host,
        task: ctx.task,
        field: 'etcdRestoreFrom',
        hint: 'no host was changed',
      });
    }
    const local = join(mkdtempSync(join(tmpdir(), 'tsplay-etcd-restore-')), basename(a.path));
    writeFileSync(local, buf, { mode: 0o600 });
    const sha256 = createHash('sha256').update(buf).digest('hex');
    return { changed: false, data: { local, sha256, size: buf.length }, stdout: `${a.path}: ${buf.length} bytes to ${local}` };
  },
});
