import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PathState } from '@tsplay/core';
import { isUnknownFact, type OverlayView } from '@tsplay/core/module';
import { SigCache } from '@tsplay/core/transport';
import { afterAll, describe, expect, it } from 'vitest';
import { destContentFact, destContentScript, DIFF_MAX_BYTES, parseDestContent } from './content-facts.js';
import { rememberContent } from './known-content.js';
import { cleanup, tempDir } from './testing.js';

afterAll(cleanup);

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const shells = ['sh', 'bash', 'dash'].filter((s) => {
  try {
    execFileSync(s, ['-c', 'true']);
    return true;
  } catch {
    return false;
  }
});

/** Run the probe in `shell`: its exit code, stdout and parsed answer. */
function probe(shell: string, path: string, opts: { sha256?: string; text: boolean }) {
  let code = 0;
  let out: string;
  try {
    out = execFileSync(shell, ['-c', destContentScript(path, opts)], { encoding: 'utf8' });
  } catch (e) {
    const err = e as { status: number; stdout: string };
    code = err.status;
    out = err.stdout;
  }
  return { code, out, st: parseDestContent(out, opts.text) };
}

describe('dest content probe (one hash; the old text only when it differs)', () => {
  const d = tempDir("tsplay-dest '$x' ");
  const file = join(d, 'a "b"|c');
  writeFileSync(file, 'old\ntext\n', { mode: 0o640 });
  const big = join(d, 'big');
  writeFileSync(big, Buffer.alloc(DIFF_MAX_BYTES + 1, 97));
  const bin = join(d, 'bin');
  writeFileSync(bin, Buffer.from([1, 0, 2]));
  mkdirSync(join(d, 'sub'));
  symlinkSync(file, join(d, 'link'));
  const own = sha('old\ntext\n');

  for (const shell of shells) {
    it(`${shell}: an unchanged file is hashed, not read; a changed one sends its text once`, () => {
      const same = probe(shell, file, { sha256: own, text: true });
      expect(same.code).toBe(0);
      expect(same.out).not.toContain('\nT\n');
      expect(same.st).toMatchObject({ exists: true, type: 'file', mode: 0o640, size: 9, sha256: own });
      expect(same.st.old).toBeUndefined();
      const differs = probe(shell, file, { sha256: sha('new\n'), text: true });
      // exit 3: the signature cache never remembers an answer that carries file content
      expect(differs.code).toBe(3);
      expect(differs.st).toMatchObject({ sha256: own, old: { kind: 'text', text: 'old\ntext\n' } });
      expect(probe(shell, file, { text: true }).st.old).toEqual({ kind: 'text', text: 'old\ntext\n' });
    });

    it(`${shell}: large, binary, absent, directory, link and secret`, () => {
      expect(probe(shell, big, { sha256: 'x', text: true }).st).toMatchObject({
        size: DIFF_MAX_BYTES + 1,
        old: { kind: 'large', size: DIFF_MAX_BYTES + 1 },
      });
      expect(probe(shell, bin, { sha256: 'x', text: true }).st.old).toEqual({ kind: 'binary', size: 3 });
      expect(probe(shell, join(d, 'missing'), { sha256: 'x', text: true }).st).toEqual({ exists: false, old: { kind: 'absent' } });
      expect(probe(shell, join(d, 'sub'), { sha256: 'x', text: true }).st).toMatchObject({ type: 'dir', old: { kind: 'absent' } });
      expect(probe(shell, join(d, 'link'), { sha256: 'x', text: true }).st).toMatchObject({
        type: 'link',
        target: file,
        old: { kind: 'absent' },
      });
      const secret = probe(shell, file, { sha256: 'x', text: false });
      expect(secret.code).toBe(0);
      expect(secret.out).not.toContain('\nT\n');
      expect(secret.st).toEqual({
        exists: true,
        type: 'file',
        mode: 0o640,
        owner: expect.any(String),
        group: expect.any(String),
        size: 9,
        sha256: own,
      });
    });
  }

  it('one sha256sum, no cut/tr/base64 pipe; a secret sha256 is in neither key nor script', () => {
    const s = destContentScript('/etc/x', { sha256: own, text: true });
    expect(s.match(/sha256sum/g)).toHaveLength(1);
    expect(s).not.toMatch(/\bcut\b|\btr\b|\|\s*base64/);
    const secret = destContentFact('/etc/k.pem', { sha256: own, secret: true });
    expect(secret.key).not.toContain(own);
    expect(secret.script).not.toContain(own);
    expect(secret.script).not.toContain('base64');
  });

  it('an answer with text is not kept in the host index; one without is', () => {
    const f = destContentFact(file, { sha256: own, secret: false });
    for (const [code, kept] of [
      [3, false],
      [0, true],
    ] as const) {
      const sc = new SigCache(undefined, { hostDir: '/var/cache/tsplay/sig' });
      const id = sc.hostEntry(f.key, f.script, true);
      sc.unwrap(f.key, { code, stdout: `9.1.1.1\nP|regular file|640|u|g|9||${own}\nT\nb2xk\n`, stderr: '' }, id);
      expect(sc.takeHostWrites() !== undefined, `exit ${code}`).toBe(kept);
    }
  });
});

describe('dest content in check mode (the overlay)', () => {
  const view = (st: PathState | undefined, why?: string): OverlayView => ({
    path: () => st,
    unit: () => undefined,
    touches: () => st !== undefined,
    unknown: () => why,
  });
  const f = destContentFact('/etc/app.conf', { sha256: 'w', secret: false });

  it('a predicted file: its text when this process predicted that content, else unknown; absent when removed', () => {
    const hash = rememberContent('predicted\n');
    expect(f.fromOverlay?.(view({ exists: true, type: 'file', sha256: hash }))).toEqual({
      exists: true,
      type: 'file',
      sha256: hash,
      old: { kind: 'text', text: 'predicted\n' },
    });
    expect(f.fromOverlay?.(view({ exists: true, type: 'file', sha256: sha('never seen') }))).toMatchObject({ old: { kind: 'unknown' } });
    expect(f.fromOverlay?.(view({ exists: false }))).toEqual({ exists: false, old: { kind: 'absent' } });
    expect(f.fromOverlay?.(view(undefined))).toBeUndefined();
    expect(isUnknownFact(f.fromOverlay?.(view(undefined, 'depends on run build')))).toBe(true);
  });

  it('a secret dest answers the predicted state alone', () => {
    const s = destContentFact('/etc/k', { sha256: 'w', secret: true });
    const st: PathState = { exists: true, type: 'file', sha256: rememberContent('k\n') };
    expect(s.fromOverlay?.(view(st))).toEqual(st);
  });
});
