import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePathProbe, pathScript } from './facts.js';
import type { PathState } from './connection.js';

const dir = mkdtempSync(join(tmpdir(), "tsplay-path 'probe' "));
const file = join(dir, 'a $file|"x"');
writeFileSync(file, 'hello\n', { mode: 0o640 });
writeFileSync(join(dir, 'empty'), '');
mkdirSync(join(dir, 'sub'), { mode: 0o751 });
symlinkSync(file, join(dir, 'link'));
symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
const me = userInfo().username;
const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();

/** What the path is, from node's own lstat (the oracle), in the probe's terms. */
function expected(path: string, hash: boolean): PathState {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return { exists: false };
  }
  const type = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  const s: PathState = { exists: true, type, mode: st.mode & 0o7777, owner: me, group, size: st.size };
  if (type === 'link') s.target = execFileSync('readlink', ['--', path], { encoding: 'utf8' }).trim();
  if (hash && type === 'file') s.sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  return s;
}

const shells = ['sh', 'bash', 'dash'].filter((s) => {
  try {
    execFileSync(s, ['-c', 'true']);
    return true;
  } catch {
    return false;
  }
});

describe('pathScript (one stat, no subshell, for a plain path)', () => {
  const paths = [file, join(dir, 'empty'), join(dir, 'sub'), join(dir, 'link'), join(dir, 'dangling'), join(dir, 'missing'), dir];
  for (const shell of shells)
    for (const hash of [false, true])
      it(`${shell}, hash ${hash}: every kind of path parses to what lstat says`, () => {
        for (const p of paths) {
          const out = execFileSync(shell, ['-c', pathScript(p, hash)], { encoding: 'utf8' });
          expect(parsePathProbe(out), p).toEqual(expected(p, hash));
        }
      });

  it('a plain path without hash is a single stat: no command substitution', () => {
    const s = pathScript('/etc/x', false);
    const plain = s.slice(s.indexOf('elif'));
    expect(plain).not.toContain('$(');
  });
});
