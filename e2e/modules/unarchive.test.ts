/**
 * unarchive on the lab hosts over SSH, with the etcd release tarball. The oracle is each host's own account:
 * stat/sha256sum of the targets, `tar -xzOf … | sha256sum` of the members, and the attributes of /tmp and of
 * the directories (a temp file made and removed there still changes their mtime and ctime).
 * - fresh targets: --check predicts the real run exactly and writes nothing, not even a temp file in /tmp;
 * - converged, with an empty signature cache (cold, as on a new CI runner): --check compares by streaming the
 *   members into sha256 and writes nothing; a re-run changes nothing;
 * - hand-made drift in one member is predicted (that member only) and repaired.
 * Wall times of the fresh and cold runs go to $TMPDIR/tsplay-unarchive-timing.json (measured, never asserted).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { task } from '@tsplay/core';
import { unarchive } from '@tsplay/modules';
import { labTarball } from '../fuzz/lab-run.js';
import { fingerprintHost, explainDiff, type Fingerprint } from '../helpers/fingerprint.js';
import { lab, onAllHosts } from '../helpers/lab.js';
import { everyHost, fingerprint, playRun, removeRunState, statScript, type PlayRun } from './run.js';

const R = '/srv/tsplay-e2e-unarchive';
const BIN = `${R}/bin`;
const DOC = `${R}/doc`;
const TARGETS = [`${BIN}/etcd`, `${BIN}/etcdctl`, `${DOC}/README.md`];

const bins = task(
  unarchive,
  { src: `${R}/etcd.tgz`, dest: BIN, include: ['*/etcd', '*/etcdctl'], stripComponents: 1, mode: '0755' },
  { name: 'binaries' },
);
const docs = task(unarchive, { src: `${R}/etcd.tgz`, dest: DOC, include: ['*/README*'], stripComponents: 1 }, { name: 'docs' });
const TASKS = [bins, docs];

/** The targets, and what the archive itself says each member hashes to (tar streaming to sha256sum, on the host). */
const oracle = () =>
  fingerprint(
    `${statScript(TARGETS)}\n${['etcd', 'etcdctl', 'README.md'].map((m) => `tar -xzOf ${R}/etcd.tgz --wildcards '*/${m}' | sha256sum | cut -c1-16`).join('\n')}`,
  );
/** /tmp, the run's directories and their direct entries, on every host (attributes incl. mtime/ctime). */
const untouched = () => Promise.all(lab().hosts.map((h) => fingerprintHost(h.index, { paths: ['/tmp'], shallow: [R, BIN, DOC] })));
const diffs = (a: Fingerprint[], b: Fingerprint[]) => a.map((f, i) => explainDiff(f, b[i] as Fingerprint)).join('');

const timing: Record<string, number> = {};
async function timed(label: string, run: () => Promise<PlayRun>): Promise<PlayRun> {
  const t0 = performance.now();
  const r = await run();
  timing[`${label}.wallMs`] = Math.round(performance.now() - t0);
  for (const e of r.events)
    if (e.type === 'task.result' && e.host === lab().hosts[0]?.name) timing[`${label}.${e.task}.taskMs`] = e.durationMs;
  return r;
}
const cold = () => mkdtempSync(join(tmpdir(), 'tsplay-e2e-unarchive-cold-'));

beforeAll(async () => {
  const { url } = labTarball();
  const r = await onAllHosts(`rm -rf ${R} && mkdir -p ${BIN} ${DOC} && curl -fsS --proto =https -o ${R}/etcd.tgz ${url}`, { become: true });
  expect(r.map((x) => x.code)).toEqual(lab().hosts.map(() => 0));
});
afterAll(async () => {
  await onAllHosts(`rm -rf ${R}`, { become: true }).catch(() => undefined);
  await removeRunState();
  writeFileSync(join(tmpdir(), 'tsplay-unarchive-timing.json'), `${JSON.stringify(timing, null, 2)}\n`);
});

describe('unarchive on lab hosts', () => {
  it('fresh targets: check predicts the run exactly and writes nothing; the run installs the members; cold and warm re-runs change nothing', async () => {
    const before = await oracle();
    const quiet = await untouched();
    const check = await playRun('unarchive-e2e', TASKS, { check: true, stateDir: cold() });
    expect(check.statuses).toEqual(everyHost(['changed', 'changed']));
    expect(diffs(quiet, await untouched())).toBe('');
    expect(await oracle()).toEqual(before);

    const real = await timed('fresh', () => playRun('unarchive-e2e', TASKS, { stateDir: cold() }));
    expect(real.statuses).toEqual(check.statuses);
    for (const h of lab().hosts) {
      const lines = before[h.name]!.split('\n');
      expect(lines.slice(0, 3)).toEqual(TARGETS.map((t) => `${t} absent`));
      const after = (await oracle())[h.name]!.split('\n');
      const member = after.slice(3, 6);
      expect(after[0]).toMatch(new RegExp(`^${BIN}/etcd 755 root:root \\d+ ${member[0]} $`));
      expect(after[1]).toMatch(new RegExp(`^${BIN}/etcdctl 755 root:root \\d+ ${member[1]} $`));
      expect(after[2]).toMatch(new RegExp(`^${DOC}/README.md 644 root:root \\d+ ${member[2]} $`));
    }

    const converged = await oracle();
    const settled = await untouched();
    const coldCheck = await timed('coldCheck', () => playRun('unarchive-e2e', TASKS, { check: true, stateDir: cold() }));
    expect(coldCheck.statuses).toEqual(everyHost(['ok', 'ok']));
    expect(diffs(settled, await untouched())).toBe('');
    const coldRun = await timed('coldRun', () => playRun('unarchive-e2e', TASKS, { stateDir: cold() }));
    expect(coldRun.statuses).toEqual(everyHost(['ok', 'ok']));
    const warm = await timed('warmRun', () => playRun('unarchive-e2e', TASKS));
    expect(warm.statuses).toEqual(everyHost(['ok', 'ok']));
    expect(diffs(settled, await untouched())).toBe('');
    expect(await oracle()).toEqual(converged);
  });

  it('hand-made drift in one member is predicted for that member only (cold cache) and repaired', async () => {
    const converged = await oracle();
    await onAllHosts(`echo drift >> ${BIN}/etcdctl; chmod 600 ${DOC}/README.md`, { become: true });
    const quiet = await untouched();
    const check = await playRun('unarchive-e2e', TASKS, { check: true, stateDir: cold() });
    expect(check.statuses).toEqual(everyHost(['changed', 'changed']));
    expect(diffs(quiet, await untouched())).toBe('');
    const summaries = (name: string) => check.events.flatMap((e) => (e.type === 'task.result' && e.task === name ? [e.summary ?? ''] : []));
    expect(summaries('binaries')).toHaveLength(lab().hosts.length);
    for (const s of summaries('binaries')) expect(s).toMatch(/would extract 1 of 2 member\(s\) .*: etcdctl \(content differs\)$/);
    for (const s of summaries('docs')) expect(s).toMatch(/: README\.md \(mode 0600 -> 0644\)$/);
    const fix = await playRun('unarchive-e2e', TASKS, { stateDir: cold() });
    expect(fix.statuses).toEqual(check.statuses);
    expect(await oracle()).toEqual(converged);
  });
});
