/**
 * Mismatches the fuzzer found, each reduced to a minimal playbook on one lab host, with the host as the
 * oracle for the real run. Run alone:
 *   flock /tmp/tsplay-lab.lock npx vitest run --project e2e e2e/fuzz/regressions.test.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETCD_TARBALL, ETCD_URL_BASE, ETCD_VERSION } from '@tsplay/lab';
import { definePlaybook, task } from '@tsplay/core';
import { command, copy, download, file, lineinfile, stat, template, unarchive } from '@tsplay/modules';
import { labTarball, tsplayRun } from './lab-run.js';
import { explainDiff, fingerprintHost } from '../helpers/fingerprint.js';
import { lab } from '../helpers/lab.js';
import { onHost0, runSteps, type Step } from './repro.js';

const R = '/srv/tsplay-fuzz-regression';
let stateDir: string;
let host: string;
beforeAll(() => {
  host = lab().hosts[0]?.name as string;
  stateDir = mkdtempSync(join(tmpdir(), 'tsplay-fuzz-regression-'));
});
afterAll(async () => {
  await onHost0(`rm -rf ${R}`).catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

const statuses = (m: Map<string, { status: string }>) => [...m].map(([k, v]) => `${k}: ${v.status}`);

describe('check-mode mismatches found by the fuzzer (seed 1)', () => {
  it("root: owner (the case's root is nobody's): --check predicts the safe write's UNSAFE_PATH, and a chown to root earlier in the run makes it safe", async () => {
    await onHost0(`rm -rf ${R} && mkdir ${R} && chmod 0755 ${R} && chown nobody:nogroup ${R}`);
    const steps: Step[] = [
      ['copy', copy, { dest: `${R}/c.txt`, content: 'alpha\n' }],
      ['touch', file, { path: `${R}/t`, state: 'touch' }],
      ['sub', file, { path: `${R}/sub`, state: 'directory' }],
      ['own', file, { path: R, state: 'directory', owner: 'root', group: 'root', mode: '0755' }],
      ['again', copy, { dest: `${R}/c.txt`, content: 'alpha\n' }],
    ];
    const check = await runSteps(host, steps, true, stateDir);
    // the oracle: nothing was written while nobody owned the root (the check run wrote nothing at all)
    expect(await onHost0(`stat -c '%U %a' ${R}; ls -A ${R}`)).toBe('nobody 755\n');
    const run = await runSteps(host, steps, false, stateDir);
    const codes = (m: Map<string, { status: string; error?: string | undefined }>) =>
      [...m].map(([k, v]) => `${k}: ${v.status} ${v.error?.split(':')[0] ?? ''}`.trim());
    expect(codes(run)).toEqual([
      'copy: failed UNSAFE_PATH',
      'touch: failed UNSAFE_PATH',
      'sub: failed UNSAFE_PATH',
      'own: changed',
      'again: changed',
    ]);
    expect(await onHost0(`stat -c '%U %a' ${R}; ls -A ${R}; cat ${R}/c.txt`)).toBe('root 755\nc.txt\nalpha\n');
    expect(codes(check)).toEqual(codes(run));
  });

  it('a command that would create a file does not make its sibling directory unknown (nor a copy into that directory fail)', async () => {
    await onHost0(`rm -rf ${R} && mkdir -p ${R}/a`);
    const steps: Step[] = [
      ['flag', command, { cmd: `echo made > ${R}/a/flag`, creates: `${R}/a/flag` }],
      ['dir', file, { path: `${R}/b`, state: 'directory', mode: '0750' }],
      ['copy', copy, { dest: `${R}/b/c.txt`, content: 'alpha\n' }],
    ];
    const check = await runSteps(host, steps, true, stateDir);
    const run = await runSteps(host, steps, false, stateDir);
    expect(statuses(run)).toEqual(['flag: changed', 'dir: changed', 'copy: changed']);
    expect(await onHost0(`stat -c %a ${R}/b; cat ${R}/b/c.txt`)).toBe('750\nalpha\n');
    // /srv/tsplay-fuzz-regression/a/flag is unknown to check mode; /srv/tsplay-fuzz-regression/b is not below it
    expect(statuses(check)).toEqual(statuses(run));
  });

  it('a task that is unknown in check mode does not make a later task that writes below its path fail', async () => {
    await onHost0(`rm -rf ${R} && mkdir -p ${R}`);
    const steps: Step[] = [
      ['mkdir', command, { cmd: `mkdir ${R}/x`, creates: `${R}/x` }],
      ['sub', file, { path: `${R}/x/sub`, state: 'directory' }],
      ['copy', copy, { dest: `${R}/x/sub/c.txt`, content: 'alpha\n' }],
    ];
    const check = await runSteps(host, steps, true, stateDir);
    const run = await runSteps(host, steps, false, stateDir);
    expect(statuses(run)).toEqual(['mkdir: changed', 'sub: changed', 'copy: changed']);
    expect(await onHost0(`cat ${R}/x/sub/c.txt`)).toBe('alpha\n');
    // `sub` is rightly unknown (its parent is what the command makes); `copy` depends on `sub`: unknown, never failed
    expect(statuses(check)).toEqual(['mkdir: changed', 'sub: unknown', 'copy: unknown']);
  });

  it('unarchive of an archive that an earlier download would fetch is not predicted changed when its target is already up to date', async () => {
    const { sha256 } = labTarball();
    const url = `${ETCD_URL_BASE}/v${ETCD_VERSION}/${ETCD_TARBALL}`;
    await onHost0(
      `rm -rf ${R} && mkdir -p ${R} && curl -fsS --proto =https ${url} | tar -xzOf - --wildcards '*/README.md' > ${R}/README.md && chmod 0644 ${R}/README.md`,
    );
    const steps: Step[] = [
      ['download', download, { url, dest: `${R}/etcd.tgz`, checksum: `sha256:${sha256}` }],
      ['unarchive', unarchive, { src: `${R}/etcd.tgz`, dest: R, include: ['*/README.md'], stripComponents: 1, mode: '0644' }],
    ];
    const stamp = `stat -c '%i %Z %a' ${R}/README.md; sha256sum < ${R}/README.md`;
    const before = await onHost0(stamp);
    const check = await runSteps(host, steps, true, stateDir);
    const run = await runSteps(host, steps, false, stateDir);
    expect(statuses(run)).toEqual(['download: changed', 'unarchive: ok']);
    expect(await onHost0(stamp)).toBe(before);
    // check may say `unknown` for a member it cannot see yet, but it must not claim a change that does not happen
    expect(['unarchive: ok', 'unarchive: unknown']).toContain(statuses(check)[1]);
  });

  it('a write whose content is an output check mode cannot know makes its path unknown: file, stat and lineinfile on it are unknown, never failed', async () => {
    await onHost0(`rm -rf ${R} && mkdir -p ${R}`);
    const opts = (name: string) => ({ name, ignoreErrors: true });
    const put = task(copy, { dest: `${R}/c.txt`, content: 'alpha\n' }, opts('copy'));
    const probe = task(command, { argv: ['cat', `${R}/c.txt`], readOnly: true }, opts('probe'));
    const tasks = [
      put,
      probe,
      task(
        template,
        (c) => ({ dest: `${R}/o.conf`, template: (v: { s: string }) => `x=${v.s}`, vars: { s: String(c.result(probe)?.stdout ?? '') } }),
        opts('template'),
      ),
      task(file, { path: `${R}/o.conf`, state: 'file', mode: '0640' }, opts('file')),
      task(stat, { path: `${R}/o.conf` }, opts('stat')),
      task(lineinfile, { path: `${R}/o.conf`, line: 'y=1' }, opts('lineinfile')),
    ];
    const pb = definePlaybook({ name: 'regression', plays: [{ name: 'r', hosts: host, become: true, tasks }] });
    const byName = (m: Map<string, { status: string }>) => statuses(new Map([...m].map(([k, v]) => [k.split('\t')[2] as string, v])));
    const check = await tsplayRun(pb, true, stateDir);
    const run = await tsplayRun(pb, false, stateDir);
    expect(byName(run.outcomes)).toEqual([
      'copy: changed',
      'probe: ok',
      'template: changed',
      'file: changed',
      'stat: ok',
      'lineinfile: changed',
    ]);
    expect(await onHost0(`stat -c %a ${R}/o.conf; cat ${R}/o.conf`)).toBe('640\nx=alpha\ny=1\n');
    // was: file failed ("does not exist"), and --check ended failed (exit 2)
    expect(byName(check.outcomes)).toEqual([
      'copy: changed',
      'probe: unknown',
      'template: unknown',
      'file: unknown',
      'stat: unknown',
      'lineinfile: unknown',
    ]);
    expect(check.outcome).toBe('changed');
  });

  it('a --check leaves /tmp untouched, its ctime included (the batched fact probe keeps stderr in a temp file there)', async () => {
    await onHost0(`rm -rf ${R} && mkdir -p ${R} && echo x > ${R}/c.txt`);
    const before = await fingerprintHost(0, { paths: ['/tmp'], shallow: [R] });
    const check = await runSteps(host, [['copy', copy, { dest: `${R}/c.txt`, content: 'x\n' }]], true, stateDir);
    expect(statuses(check)).toEqual(['copy: ok']);
    expect(explainDiff(before, await fingerprintHost(0, { paths: ['/tmp'], shallow: [R] }))).toBe('');
  });
});
