import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyContext, ExecResult, Plan, StepContext } from '@tsplay/core';
import { executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../common/testing.js';
import { defineModule } from '../kit/index.js';
import { seedArgs as seed, useTarballDir } from '../testing/fixture.js';
import { sha256Hex } from '../testing/tree-snapshot.js';
import { unarchiveArgsSchema } from './args.js';
import { unarchive } from './index.js';
import type { UnarchivePlanData } from './plan.js';

const conn = new LocalConnection('local');
const t = useTarballDir('tsplay-unarchive-step-');
const seedArgs = (dest: string, extra: Record<string, unknown> = {}) => seed(t.tb, dest, extra);

/** unarchive applied only through its step (defineModule runs the step when there is no apply). */
const { apply: _apply, kind: _kind, ...def } = unarchive;
const stepOnly = defineModule(def);

/** What a run left: its outcome and error with dest's path replaced, and dest's tree (modes, content). */
function seen(dest: string, e: Awaited<ReturnType<typeof executeModule>>) {
  const norm = (s: unknown) => (s === undefined ? undefined : JSON.parse(JSON.stringify(s).split(dest).join('DEST')));
  const err = e.error && { code: e.error.code, field: e.error.field, message: e.error.message, hint: e.error.hint };
  return { status: e.outcome.status, planned: e.plan?.changed, data: norm(e.outcome.data), error: norm(err), tree: fingerprint(dest) };
}

/** The same task through apply and through the step, each in its own fresh dest made ready by `prepare`. */
async function bothWays(extra: Record<string, unknown>, prepare: (dest: string) => void = () => undefined) {
  const out = [];
  for (const mod of [unarchive, stepOnly]) {
    const dest = t.freshDest();
    prepare(dest);
    out.push(seen(dest, await executeModule(conn, mod, seedArgs(dest, extra))));
  }
  return { apply: out[0], step: out[1] };
}

describe('unarchive: the step does what apply does', () => {
  it('a fresh run (the archive not read in plan): same result, same files and modes', async () => {
    const r = await bothWays({});
    expect(r.apply?.status).toBe('changed');
    expect(r.apply?.data).toEqual({ dest: 'DEST', files: ['etcd', 'etcdctl'] });
    expect(r.step).toEqual(r.apply);
  });

  it('an update (one target differs, one is right): same result, only the stale one written', async () => {
    const prepare = (d: string) => {
      writeFileSync(join(d, 'etcd'), 'old etcd');
      writeFileSync(join(d, 'etcdctl'), t.tb.members.etcdctl, { mode: 0o755 });
      chmodSync(join(d, 'etcdctl'), 0o755);
    };
    const r = await bothWays({}, prepare);
    expect(r.apply?.data).toEqual({ dest: 'DEST', files: ['etcd'] });
    expect(r.apply?.tree.find((l) => l.startsWith('etcd '))).toContain(sha256Hex(t.tb.members.etcd));
    expect(r.step).toEqual(r.apply);
  });

  it.each([
    ['an include pattern that matches nothing', { include: ['*/etcd', '*/kubectl'] }, undefined, 'ARCHIVE_FAILED'],
    ['a directory in the way of a member', {}, (d: string) => mkdirSync(join(d, 'etcdctl')), 'WRITE_FAILED'],
    ['an owner that does not exist', { owner: 'tsplay-no-such-user' }, undefined, 'WRITE_FAILED'],
  ])('%s: the same coded error, dest left alike', async (_what, extra, prepare, code) => {
    const r = await bothWays(extra, prepare);
    // planned to change: it failed in apply (or the step), not in plan
    expect([r.apply?.planned, r.apply?.error?.code]).toEqual([true, code]);
    expect(r.step).toEqual(r.apply);
  });
});

const stepCtx = { facts: {}, host: 'local', task: 't', become: false, baseDir: '/' } as StepContext<never>;
const applyCtx = (c: Pick<ApplyContext, 'conn'>) =>
  ({ ...stepCtx, ...c, check: false, log: () => undefined }) as unknown as ApplyContext<never>;

/** A plan given by hand through apply and through the step's script run on the host: the error each throws. */
async function errorsOf(plan: Plan<UnarchivePlanData>, prepare: (dest: string) => void) {
  const errs = [];
  for (const via of ['apply', 'step'] as const) {
    const dest = t.freshDest();
    prepare(dest);
    const args = unarchiveArgsSchema.parse(seedArgs(dest));
    const run = async () => {
      if (via === 'apply') return unarchive.apply?.(applyCtx({ conn }), args, plan);
      const s = unarchive.step?.(stepCtx, args, plan);
      if (!s) throw new Error('no step');
      return s.done(await conn.exec(s.script, { stdin: s.stdin }));
    };
    const e = await run().then(
      () => undefined,
      (x: { code: string; message: string; field?: string }) => x,
    );
    const norm = (x: string | undefined) => x?.split(dest).join('DEST');
    errs.push(e && { code: e.code, field: norm(e.field), message: norm(e.message), files: readdirSync(dest) });
  }
  return errs;
}

describe('unarchive: the step fails as apply does', () => {
  const plan = (sha: string): Plan<UnarchivePlanData> => ({
    changed: true,
    data: { install: [{ path: 'etcd', type: 'file', mode: 0o755, sha256: sha }] },
  });

  it('an archive that changed since the plan: ARCHIVE_FAILED both ways, nothing replaced', async () => {
    const [a, s] = await errorsOf(plan(sha256Hex('what the plan saw')), (d) => writeFileSync(join(d, 'etcd'), 'old'));
    expect(a).toMatchObject({ code: 'ARCHIVE_FAILED', files: ['etcd'] });
    expect(s).toEqual(a);
  });

  it('a dest others can write (the script refuses it): UNSAFE_PATH both ways, nothing extracted', async () => {
    const [a, s] = await errorsOf(plan(sha256Hex(t.tb.members.etcd)), (d) => chmodSync(d, 0o777));
    expect(a).toMatchObject({ code: 'UNSAFE_PATH', files: [] });
    expect(s).toEqual(a);
  });

  it.each([
    ['DISK_FULL', { code: 12, stdout: '', stderr: 'tar: etcd: Cannot write: No space left on device' }],
    ['WRITE_FAILED', { code: 11, stdout: '', stderr: 'mktemp: failed' }],
    ['COMMAND_FAILED', { code: 99, stdout: '', stderr: 'killed' }],
  ])('a script that ends with %s (its exit read the same way)', async (code, r: ExecResult) => {
    const args = unarchiveArgsSchema.parse(seedArgs('/nonexistent'));
    const fake = { exec: async () => r } as unknown as ApplyContext['conn'];
    const viaApply = await Promise.resolve(unarchive.apply?.(applyCtx({ conn: fake }), args, plan('x'))).catch((e: unknown) => e);
    const s = unarchive.step?.(stepCtx, args, plan('x'));
    let viaStep: unknown;
    try {
      s?.done(r);
    } catch (e) {
      viaStep = e;
    }
    expect(viaApply).toMatchObject({ code });
    expect(viaStep).toEqual(viaApply);
  });

  it('has no step where apply is not one exec: nothing to extract, or a workstation archive to upload first', () => {
    const args = unarchiveArgsSchema.parse(seedArgs('/tmp'));
    expect(unarchive.step?.(stepCtx, args, { changed: true, data: { install: [] } })).toBeUndefined();
    const local = { path: t.tb.path, sha256: t.tb.sha256 } as unknown as UnarchivePlanData['local'];
    expect(unarchive.step?.(stepCtx, args, { ...plan('x'), data: { ...plan('x').data!, local } })).toBeUndefined();
  });
});
