import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeModule, type AnyModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { describe, expect, it } from 'vitest';
import { etcdBackupKeepLocal, planKeepLocal } from './backup-fetch.js';
import { EtcdBackupVars } from './backup-vars.js';
import { localSnapshotPath } from './restore-local.js';

const n = (i: number) => `etcd-2026120${i}T010203.004Z.db`;
const run = (args: unknown, check = false) =>
  executeModule(new LocalConnection('local'), etcdBackupKeepLocal as unknown as AnyModule, args, { check });

describe('off-host retention on the workstation', () => {
  it.each([
    { names: [n(1), n(2), n(3)], keep: 2, incoming: undefined, remove: [n(1)] },
    { names: [n(1), n(2)], keep: 2, incoming: n(3), remove: [n(1)] },
    { names: [n(2), n(3)], keep: 2, incoming: n(3), remove: [] },
    { names: [n(1), 'notes.db', 'etcd-x.db', n(2)], keep: 1, incoming: undefined, remove: [n(1)] },
    { names: [n(2)], keep: 1, incoming: n(1), remove: [] }, // an older incoming is never there yet to delete
  ])('keep $keep of $names (+ $incoming): delete $remove', ({ names, keep, incoming, remove }) => {
    expect(planKeepLocal(names, keep, incoming).remove).toEqual(remove);
  });

  it('deletes only the oldest tsplay snapshot names, check mode deletes nothing, a re-run is ok', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-keep-local-'));
    for (const f of [n(1), n(2), n(3), 'my-notes.txt', 'etcd-manual.db']) writeFileSync(join(dir, f), f);
    const check = await run({ dir, keep: 2 }, true);
    expect(check.outcome.status).toBe('changed');
    expect(readdirSync(dir)).toHaveLength(5);
    const real = await run({ dir, keep: 2 });
    expect(real.outcome.status).toBe('changed');
    expect(readdirSync(dir).sort()).toEqual([n(2), n(3), 'etcd-manual.db', 'my-notes.txt'].sort());
    expect((await run({ dir, keep: 2, incoming: n(3) })).outcome.status).toBe('ok');
    expect((await run({ dir, keep: 2, pending: true }, true)).outcome.status).toBe('unknown');
    const none = await run({ dir, keep: 2, nothing: 'no member keeps a backup' });
    expect(none.error?.code).toBe('ETCD_SNAPSHOT_MISSING');
  });

  it('vars: etcdBackupFetchTo one line, keep >= 1, etcdBackupSnapshot true by default', () => {
    const v = EtcdBackupVars.parse({ etcdBackupFetchTo: './backups', etcdBackupSnapshot: 'false' });
    expect(v).toMatchObject({ etcdBackupFetchTo: './backups', etcdBackupFetchKeep: 7, etcdBackupSnapshot: false });
    expect(EtcdBackupVars.parse({}).etcdBackupSnapshot).toBe(true);
    expect(EtcdBackupVars.safeParse({ etcdBackupFetchTo: 'a\nb' }).success).toBe(false);
    expect(EtcdBackupVars.safeParse({ etcdBackupFetchKeep: 0 }).success).toBe(false);
  });
});

describe('restore from the workstation copy', () => {
  it('etcdRestoreFrom: a file is itself; a directory gives its newest snapshot name; an empty one a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-restore-local-'));
    expect(localSnapshotPath(dir)).toBe(join(dir, 'etcd-<no snapshot in this directory>.db'));
    for (const f of [n(1), n(3), n(2), 'etcd-zzz.db', 'zz-notes.db']) writeFileSync(join(dir, f), f);
    expect(localSnapshotPath(dir)).toBe(join(dir, n(3)));
    expect(localSnapshotPath(join(dir, n(1)))).toBe(join(dir, n(1)));
    expect(localSnapshotPath(join(dir, 'gone.db'))).toBe(join(dir, 'gone.db'));
  });
});
