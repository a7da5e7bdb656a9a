import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secret, type ApplyContext, type ExecResult, type Plan, type StepContext } from '@tsplay/core';
import { executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { describe, expect, it } from 'vitest';
import { defineModule } from '../kit/index.js';
import { useFixture } from '../testing/fixture.js';
import { startReleaseFixture } from '../testing/release-server.js';
import { sha256Hex } from '../testing/tree-snapshot.js';
import { downloadArgsSchema } from './args.js';
import { download } from './index.js';
import type { DownloadPlanData } from './plan.js';

const conn = new LocalConnection('local');
const fx = useFixture(startReleaseFixture, (f) => f.close());

/** download applied only through its step (defineModule runs the step when there is no apply). */
const { apply: _apply, kind: _kind, ...def } = download;
const stepOnly = defineModule(def);

function args(dir: string, extra: Record<string, unknown> = {}) {
  return { url: fx.tarballUrl, dest: join(dir, 'f.tar.gz'), checksum: `sha256:${fx.tarball.sha256}`, caFile: fx.pki.caFile, ...extra };
}

/** What a run left: its outcome and error with the dir's path replaced, and the file (sha256, mode). */
function seen(dir: string, e: Awaited<ReturnType<typeof executeModule>>) {
  const norm = (s: unknown) => (s === undefined ? undefined : JSON.parse(JSON.stringify(s).split(dir).join('DIR')));
  const err = e.error && { code: e.error.code, field: e.error.field, message: e.error.message, hint: e.error.hint };
  const files = readdirSync(dir).map(
    (f) => `${f} ${(statSync(join(dir, f)).mode & 0o7777).toString(8)} ${sha256Hex(readFileSync(join(dir, f)))}`,
  );
  return { status: e.outcome.status, planned: e.plan?.changed, data: norm(e.outcome.data), error: norm(err), files };
}

/** The same task through apply and through the step, each in its own fresh dir made ready by `prepare`. */
async function bothWays(extra: Record<string, unknown>, prepare: (dest: string) => void = () => undefined) {
  const out = [];
  for (const mod of [download, stepOnly]) {
    const dir = fx.freshDir('step');
    prepare(join(dir, 'f.tar.gz'));
    out.push(seen(dir, await executeModule(conn, mod, args(dir, extra))));
  }
  return { apply: out[0], step: out[1] };
}

describe('download: the step does what apply does', () => {
  it.each([
    ['a fresh download', {}, undefined, true],
    ['an update (dest differs)', { mode: '0640' }, (d: string) => writeFileSync(d, 'old'), true],
    ['attributes only (content right, mode not)', { mode: '0600' }, (d: string) => writeFileSync(d, fx.tarball.body), false],
  ])('%s: same result, same file', async (_what, extra, prepare, downloaded) => {
    const r = await bothWays(extra, prepare);
    expect(r.apply).toMatchObject({ status: 'changed', data: { sha256: fx.tarball.sha256, downloaded } });
    expect(r.apply?.files).toEqual([`f.tar.gz ${(extra as { mode?: string }).mode?.slice(1) ?? '644'} ${fx.tarball.sha256}`]);
    expect(r.step).toEqual(r.apply);
  });

  it.each([
    ['a wrong pinned sha256', { checksum: `sha256:${sha256Hex('wrong')}` }, 'CHECKSUM_MISMATCH'],
    ['a URL the server does not have', { url: 'v0' }, 'DOWNLOAD_FAILED'],
  ])('%s: the same coded error, nothing written', async (_what, extra, code) => {
    const r = await bothWays('url' in extra ? { url: fx.tarballUrl.replace('v3.4.15', extra.url) } : extra);
    expect([r.apply?.planned, r.apply?.error?.code, r.apply?.files]).toEqual([true, code, []]);
    expect(r.step).toEqual(r.apply);
  });
});

const stepCtx = { facts: {}, host: 'local', task: 't', become: false, baseDir: '/' } as StepContext<never>;
const plan = (tool: 'curl' | 'wget', expected = fx.tarball.sha256): Plan<DownloadPlanData> => ({
  changed: true,
  data: { action: 'download', expected, tool, mode: 0o644, owner: undefined, group: undefined },
});

describe('download: the step alone', () => {
  it.each(['curl', 'wget'] as const)('%s: the URL and a Secret header come on its stdin, never in its script', async (tool) => {
    const dir = fx.freshDir('stdin');
    const u = new URL(fx.tarballUrl);
    u.username = 'me';
    u.password = 's3cr3t-pw';
    const a = downloadArgsSchema.parse(args(dir, { url: u.toString(), headers: { Authorization: secret('Bearer s3cr3t-token') } }));
    const s = download.step?.(stepCtx, a, plan(tool));
    if (!s) throw new Error('no step');
    expect(s.script).not.toMatch(/s3cr3t|127\.0\.0\.1/);
    expect(String(s.stdin)).toContain('s3cr3t-pw');
    expect(String(s.stdin)).toContain('Bearer s3cr3t-token');
    const r = s.done(await conn.exec(s.script, { stdin: s.stdin }));
    expect(r.data).toEqual({ dest: a.dest, sha256: fx.tarball.sha256, downloaded: true });
    expect(sha256Hex(readFileSync(a.dest))).toBe(fx.tarball.sha256);
  });

  it.each([
    ['NO_DOWNLOADER', { code: 10, stdout: '', stderr: 'curl is not installed' }],
    ['DISK_FULL', { code: 12, stdout: 'rc=23\navail=0\n', stderr: '' }],
    ['COMMAND_TIMEOUT', { code: 137, stdout: '', stderr: '', timedOut: true }],
    ['WRITE_FAILED', { code: 1, stdout: '', stderr: 'mv: cannot move' }],
  ])('a script that ends with %s: read the same way as apply reads it', async (code, r: ExecResult) => {
    const a = downloadArgsSchema.parse(args('/nonexistent'));
    const fake = { exec: async () => r } as unknown as ApplyContext['conn'];
    const ctx = { ...stepCtx, conn: fake, check: false, log: () => undefined } as unknown as ApplyContext<never>;
    const viaApply = await Promise.resolve(download.apply?.(ctx, a, plan('curl'))).catch((e: unknown) => e);
    let viaStep: unknown;
    try {
      download.step?.(stepCtx, a, plan('curl'))?.done(r);
    } catch (e) {
      viaStep = e;
    }
    expect(viaApply).toMatchObject({ code });
    expect(viaStep).toEqual(viaApply);
  });

  it('has no step when nothing is to do', () => {
    const a = downloadArgsSchema.parse(args('/tmp'));
    expect(download.step?.(stepCtx, a, { changed: false, data: { ...plan('curl').data!, action: 'none' } })).toBeUndefined();
  });
});
