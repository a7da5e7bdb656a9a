/**
 * The restore's refusals, before any host is changed: the snapshot must exist and pass an integrity check.
 * - `etcd-snapshot-check` (on a host): `snapshot status -w json` on the file (etcdutl when installed,
 *   else etcdctl; both open it read-only). Absent is ETCD_SNAPSHOT_MISSING, unreadable ETCD_SNAPSHOT_INVALID.
 * - `etcd-snapshot-source` (run once, answered on the workstation): with a host named, that host must be
 *   in the group; without one, the workstation file must be a snapshot that `etcdctl snapshot save` wrote:
 *   a bolt database (magic 0xED0CDAED in its first meta page, 512-byte pages) followed by the sha256 of
 *   its bytes, the same check `snapshot restore` makes before it restores.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defineModule, sh, TsplayError } from '@tsplay/core';
import { commandFact, unknownFact } from '@tsplay/core/module';
import { z } from 'zod';
import { hostPath } from '../schemas.js';
import { parseSnapshotStatus, type SnapshotStatus } from './status.js';

export const ETCD_BACKUP_CODES = ['ETCD_SNAPSHOT_MISSING', 'ETCD_SNAPSHOT_INVALID', 'ETCD_BACKUP_PRUNE', 'ETCD_RESTORE_FAILED'] as const;
export type EtcdBackupCode = (typeof ETCD_BACKUP_CODES)[number];

const BOLT_MAGIC = 0xed0cdaed;

/** Pure: why `buf` is not a whole snapshot, or undefined when it is. */
export function snapshotBytesProblem(buf: Buffer): string | undefined {
  if (buf.length < 2 * 4096 + 32) return `${buf.length} bytes is too small for an etcd snapshot`;
  if (buf.length % 512 !== 32) return `${buf.length} bytes is not a bolt database followed by its sha256 (a truncated or foreign file)`;
  if (buf.readUInt32LE(16) !== BOLT_MAGIC) return 'not a bolt database (no magic in the meta page)';
  const body = buf.subarray(0, buf.length - 32);
  const want = buf.subarray(buf.length - 32).toString('hex');
  const got = createHash('sha256').update(body).digest('hex');
  if (got !== want)
    return `the sha256 at its end (${want.slice(0, 12)}…) does not match its content (${got.slice(0, 12)}…): the file is corrupt`;
  return undefined;
}

export type SnapshotVerdict = { kind: 'ok'; detail: string } | { kind: 'missing' | 'invalid'; detail: string };

/** Read a workstation file and judge it (the workstation side of a fact). */
export function judgeLocalSnapshot(path: string): SnapshotVerdict {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      kind: code === 'ENOENT' ? 'missing' : 'invalid',
      detail: `cannot read ${path} on the workstation: ${code ?? (e as Error).message}`,
    };
  }
  const p = snapshotBytesProblem(buf);
  return p ? { kind: 'invalid', detail: `${path}: ${p}` } : { kind: 'ok', detail: `${path}: ${buf.length} bytes, sha256 verified` };
}

const refuse = (v: SnapshotVerdict, host: string): TsplayError =>
  new TsplayError(
    v.kind === 'missing' ? 'ETCD_SNAPSHOT_MISSING' : 'ETCD_SNAPSHOT_INVALID',
    `the snapshot cannot be restored: ${v.detail}`,
    {
      host,
      field: 'etcdRestoreFrom',
      hint: 'name a file that etcdctl snapshot save wrote (e.g. /var/backups/etcd/etcd-<time>.db, with -e etcdRestoreHost=<the member that has it>); no host was changed',
    },
  );

export const sourceArgs = z.object({
  from: z.string().min(1),
  /** The host that has `from`; undefined: `from` is on the workstation. */
  host: z.string().min(1).optional(),
  /** The members (inventory host names). */
  hosts: z.array(z.string()).min(1),
});

export const etcdSnapshotSource = defineModule({
  name: 'etcd-snapshot-source',
  args: sourceArgs,
  facts: (a) => {
    const v: SnapshotVerdict =
      a.host !== undefined
        ? a.hosts.includes(a.host)
          ? { kind: 'ok', detail: `${a.from} on ${a.host}` }
          : { kind: 'missing', detail: `etcdRestoreHost ${a.host} is not a member of the group (${a.hosts.join(', ')})` }
        : judgeLocalSnapshot(a.from);
    return { verdict: { key: `etcd-snapshot-source:${a.host ?? ''}:${a.from}`, script: ':', parse: () => v } };
  },
  plan: (f, _a, ctx) => {
    if (f.verdict.kind !== 'ok') throw refuse(f.verdict, ctx.host);
    return { changed: false, summary: f.verdict.detail };
  },
});

export const checkArgs = z.object({
  path: hostPath('path'),
  etcdctl: z.string().default('/usr/local/bin/etcdctl'),
  etcdutl: z.string().default('/usr/local/bin/etcdutl'),
});

/** The read-only probe: `@@absent`, or the status output and `@@rc N`. */
export function snapshotCheckScript(a: z.output<typeof checkArgs>): string {
  return [
    sh`if [ ! -f ${a.path} ]; then echo '@@absent'; exit 0; fi`,
    sh`if [ -x ${a.etcdutl} ]; then ${a.etcdutl} snapshot status ${a.path} -w json 2>&1; else ETCDCTL_API=3 ${a.etcdctl} snapshot status ${a.path} -w json 2>&1; fi; echo "@@rc $?"`,
  ].join('\n');
}

/** Pure. */
export function parseSnapshotCheck(out: string, path: string): SnapshotVerdict & { status?: SnapshotStatus } {
  if (out.trim() === '@@absent') return { kind: 'missing', detail: `${path} does not exist` };
  const rc = Number(/^@@rc (\d+)$/m.exec(out)?.[1] ?? 255);
  const text = out.replace(/^@@rc \d+$/m, '');
  const why =
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('{"level"'))
      .pop() ?? `exit ${rc}`;
  if (rc !== 0) return { kind: 'invalid', detail: `snapshot status ${path} failed: ${why.slice(0, 300)}` };
  try {
    const status = parseSnapshotStatus(text);
    return { kind: 'ok', detail: `${path}: revision ${status.revision}, ${status.totalKey} keys, hash ${status.hash}`, status };
  } catch (e) {
    return { kind: 'invalid', detail: `snapshot status ${path}: ${(e as Error).message}` };
  }
}

export const etcdSnapshotCheck = defineModule({
  name: 'etcd-snapshot-check',
  args: checkArgs,
  facts: (a) => ({
    check: commandFact(`etcd-snapshot-check:${a.path}`, snapshotCheckScript(a), (r) => parseSnapshotCheck(r.stdout, a.path), {
      become: true,
      // a copy earlier in this check run would put it there: its status is known only after the copy
      fromOverlay: (o) => (o.touches(a.path) ? unknownFact(`an earlier task would write ${a.path}`) : undefined),
    }),
  }),
  plan: (f, _a, ctx) => {
    if (f.check.kind !== 'ok') throw refuse(f.check, ctx.host);
    return { changed: false, summary: f.check.detail, data: f.check.status };
  },
  resultFromPlan: (p): SnapshotStatus | undefined => p.data,
});
