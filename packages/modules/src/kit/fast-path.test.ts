import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FactQuery } from '@tsplay/core/module';
import { batchScript, splitBatch } from '@tsplay/core/transport';
import { afterAll, describe, expect, it } from 'vitest';
import { identityFact, identityFastPath, identityScript, parseIdentity } from '../common/identity.js';
import { cleanup, tempDir } from '../common/testing.js';
import { downloadersFact } from '../download/facts.js';
import { existingTargetsFact } from '../unarchive/facts.js';
import { defineFact, fastPathCase, writeSafetyFacts } from './index.js';

afterAll(cleanup);

const sh = (script: string): string => execFileSync('sh', ['-c', script], { encoding: 'utf8' });

describe("facts answered in the probe's own shell (fast paths)", () => {
  it('identity: what `id -un; id -gn` prints, the same as its script', () => {
    const o = fastPathCase(identityFact(true));
    expect(o.answered).toBe(true);
    expect(o.fast).toEqual({ stdout: sh('id -un; id -gn'), stderr: '' });
    expect(o.script).toEqual({ code: 0, stdout: o.fast.stdout, stderr: '' });
  });

  it('identity: no answer where the names are not in the files (the script asks id)', () => {
    const d = tempDir();
    const f = { passwd: join(d, 'passwd'), group: join(d, 'group') };
    writeFileSync(f.passwd, 'someone:x:54321:54321::/:/bin/sh\n');
    writeFileSync(f.group, '+compat:x:0:\n');
    const q: FactQuery<unknown> = {
      key: 't',
      script: identityScript(f),
      fastPath: identityFastPath(f),
      parse: (r) => parseIdentity(r.stdout),
    };
    const o = fastPathCase(q);
    expect(o.answered).toBe(false);
    expect(o.fast).toEqual({ stdout: '', stderr: '' });
    expect(o.script.stdout).toBe(sh('id -un; id -gn'));
  });

  it('downloaders: the same lines as its script', () => {
    const o = fastPathCase(downloadersFact());
    expect(o.answered).toBe(true);
    expect(o.fast).toEqual({ stdout: sh('command -v curl; command -v wget; true'), stderr: '' });
    expect(o.script).toEqual({ code: 0, stdout: o.fast.stdout, stderr: '' });
  });

  it("an archive's named targets: the ones there (a file, a dangling link), not the missing one", () => {
    const d = tempDir();
    writeFileSync(join(d, 'etcd'), 'x');
    symlinkSync(join(d, 'nowhere'), join(d, 'etcdctl'));
    const fact = existingTargetsFact({
      src: '/x.tar.gz',
      dest: d,
      stripComponents: 1,
      include: ['*/etcd', '*/etcdctl', '*/etcdutl'],
    } as never);
    const o = fastPathCase(fact);
    expect(o.answered).toBe(true);
    expect(o.fast).toEqual({ stdout: `${join(d, 'etcd')}\n${join(d, 'etcdctl')}\n`, stderr: '' });
    expect(o.script).toEqual({ code: 0, stdout: o.fast.stdout, stderr: '' });
  });

  it("in one batch with the directory checks (which share the batch's variables): the same frames with and without them", () => {
    const d = tempDir();
    mkdirSync(join(d, 'sub'));
    const facts: FactQuery<unknown>[] = [
      ...Object.values(writeSafetyFacts(join(d, 'sub', 'file'), { become: true })),
      identityFact(true),
      downloadersFact(),
      existingTargetsFact({ src: '/x.tar.gz', dest: d, stripComponents: 0, include: ['sub', 'none'] } as never),
      ...Object.values(writeSafetyFacts(join(d, 'file'), { become: true })),
    ];
    expect(facts.filter((f) => f.fastPath !== undefined).length).toBeGreaterThanOrEqual(5);
    const nonce = '__tsplay_fast_path_test';
    const frames = (fs: FactQuery<unknown>[]) => splitBatch(sh(batchScript(fs, nonce)), fs, nonce);
    const slow = facts.map((f) => ({ ...f, fastPath: undefined }));
    const fast = frames(facts);
    expect(fast).toEqual(frames(slow));
    expect(fast.map((r) => r.code)).toEqual(facts.map(() => 0));
  });

  it('defineFact: a fact answered from the signature cache cannot bring a fast path of its own', () => {
    const f = defineFact({ module: 't', name: 'x', script: () => ':', parse: () => 1, cacheBy: () => ['/a'], fastPath: () => '__q=1' });
    expect(() => f()).toThrow(/signature cache/);
  });
});
