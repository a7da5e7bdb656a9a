import type { PathState, PathType } from '../kit/index.js';
import type { ArchiveState, Member } from './probe.js';

const TYPES: Record<string, PathType> = { file: 'file', dir: 'dir', link: 'link', other: 'other' };

/** `rwxr-sr-t`-style permissions (the 9 characters after the type) as a mode, set-id and sticky bits included. */
export function modeOfPerms(perms: string): number {
  let mode = 0;
  const special = [0o4000, 0o2000, 0o1000];
  for (let who = 0; who < 3; who++) {
    const [r, w, x] = perms.slice(who * 3, who * 3 + 3);
    const shift = 6 - who * 3;
    if (r === 'r') mode |= 4 << shift;
    if (w === 'w') mode |= 2 << shift;
    if (x === 'x' || x === 's' || x === 't') mode |= 1 << shift;
    if (x === 's' || x === 'S' || x === 't' || x === 'T') mode |= special[who] as number;
  }
  return mode;
}

/** The probe's `type|mode|value|owner:group` description of a target. */
export function parseDescribe(f: readonly string[]): PathState {
  const [type, mode, value, og] = f;
  const t = TYPES[type ?? ''];
  if (!t) return { exists: false };
  const [owner, group] = (og ?? '').split(':');
  const s: PathState = { exists: true, type: t, mode: parseInt(mode ?? '0', 8), owner, group };
  if (t === 'file' && value) s.sha256 = value;
  if (t === 'link') s.target = value;
  return s;
}

interface Listed {
  perms: string;
  path: string;
  dest: PathState;
  target?: string | undefined;
}

function member(l: Listed, hashes: ReadonlyMap<string, string>): Member | undefined {
  const kind = l.perms[0];
  const mode = modeOfPerms(l.perms.slice(1));
  if (kind === 'd') return { path: l.path, type: 'dir', mode, dest: l.dest };
  if (kind === 'l') return { path: l.path, type: 'link', mode: 0o777, target: l.target, dest: l.dest };
  // A hard link holds the content of the member it links to.
  const sha256 = kind === 'h' ? hashes.get(l.target ?? '') : hashes.get(l.path);
  if (kind === '-' || kind === 'h') return { path: l.path, type: 'file', mode, sha256, dest: l.dest };
  return undefined;
}

/** Parse the output of `archiveScript` (probe.ts). Exported for tests. */
export function parseArchive(stdout: string, stderr: string): ArchiveState {
  const lines = stdout.split('\n');
  const head = lines.find((l) => l.startsWith('A|'));
  if (head === 'A|missing') return { state: 'missing' };
  if (head === 'A|fresh') return { state: 'fresh' };
  if (head === 'A|error') return { state: 'error', message: stderr.trim() || 'tar failed' };
  if (head !== 'A|ok') throw new Error(`unexpected archive probe output: ${stdout.slice(0, 200)}`);
  const hashes = new Map<string, string>();
  /** sha256 of targets that are regular files, hashed while their member streamed (`G` lines). */
  const targets = new Map<string, string>();
  const listed: Listed[] = [];
  const parents = new Map<string, PathState>();
  let umask = 0o022;
  for (const l of lines) {
    const f = l.split('|');
    if (f[0] === 'H') hashes.set(f.slice(2).join('|'), f[1] ?? '');
    else if (f[0] === 'G') targets.set(f.slice(2).join('|'), f[1] ?? '');
    else if (f[0] === 'U') umask = parseInt(f[1] ?? '22', 8);
    else if (f[0] === 'M') listed.push({ perms: f[1] ?? '', dest: parseDescribe(f.slice(2, 6)), path: f.slice(6).join('|') });
    else if (f[0] === 'T' && listed.length > 0) (listed[listed.length - 1] as Listed).target = f.slice(1).join('|');
    else if (f[0] === 'P') parents.set(f.slice(5).join('|'), parseDescribe(f.slice(1, 5)));
  }
  const byPath = new Map<string, Member>();
  for (const [path, dest] of parents) byPath.set(path, { path, type: 'dir', mode: 0o777 & ~umask, dest });
  // A later member of the same name replaces an earlier one, as extracting does.
  for (const l of listed) {
    const sha = targets.get(l.path);
    if (sha && l.dest.exists && l.dest.type === 'file' && l.dest.sha256 === undefined) l.dest.sha256 = sha;
    const m = member(l, hashes);
    if (m) byPath.set(m.path, m);
  }
  const members = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { state: 'ok', members };
}

/** Parse `D|type|mode|value|owner:group|path` lines (the targets of members known from the workstation). */
export function parseTargets(stdout: string): Map<string, PathState> {
  const out = new Map<string, PathState>();
  for (const l of stdout.split('\n')) {
    const f = l.split('|');
    if (f[0] === 'D') out.set(f.slice(5).join('|'), parseDescribe(f.slice(1, 5)));
  }
  return out;
}
