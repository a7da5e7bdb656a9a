import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { defineFact, sh, type FactQuery } from '../kit/index.js';
import type { UnarchiveOptions } from './args.js';
import { parseArchive, parseTargets } from './parse.js';
import { archiveScript, DESCRIBE, type ArchiveState, type Member } from './probe.js';

interface LocalProbe {
  path: string;
  sha256: string;
  state: ArchiveState;
}

const memo = new Map<string, LocalProbe>();

/**
 * The workstation side of the archive fact: the same probe script, run here with every member hashed and a
 * dest that does not exist, gives the members (type, mode, sha256). Memoized per file version and selection,
 * so a run over many hosts reads the archive once. Needs GNU tar and coreutils on the workstation.
 */
export function probeLocalArchive(args: UnarchiveOptions, baseDir: string): LocalProbe | { path: string; missing: true } {
  const path = isAbsolute(args.src) ? args.src : resolve(baseDir, args.src);
  let st;
  try {
    st = statSync(path);
  } catch {
    return { path, missing: true };
  }
  if (!st.isFile()) return { path, missing: true };
  const key = JSON.stringify([path, st.size, st.mtimeMs, st.ino, args.stripComponents, args.include ?? null]);
  const hit = memo.get(key);
  if (hit) return hit;
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  const script = archiveScript({ ...args, src: path, dest: '/nonexistent/.tsplay-no-dest' }, { hashAll: true });
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const state =
    r.status === 0 ? parseArchive(r.stdout, r.stderr) : { state: 'error' as const, message: r.stderr.trim() || 'local probe failed' };
  const probe = { path, sha256, state };
  memo.set(key, probe);
  return probe;
}

/** Prints a `D|type|mode|value|owner:group|path` line for the target of each member under dest. */
export function targetsScript(dest: string, members: readonly Member[]): string {
  const lines = [sh`dest=${dest}`, DESCRIBE];
  for (const m of members) lines.push(`${sh`r=${m.path}`}; printf 'D|%s|%s\\n' "$(describe "$dest/$r" 1)" "$r"`);
  return lines.join('\n');
}

/** With copyFromLocal: members from the workstation, the state of their targets from the host. */
export function localArchiveFact(args: UnarchiveOptions, baseDir: string): FactQuery<ArchiveState> {
  const p = probeLocalArchive(args, baseDir);
  return 'missing' in p ? localMissingFact(p.path) : localTargetsFact(p, args);
}

/** The local archive does not exist: the host runs `:`. */
const localMissingFact = defineFact({
  module: 'unarchive',
  name: 'localMissing',
  script: (_path: string) => ':',
  parse: (): ArchiveState => ({ state: 'missing' }),
});

/** The local archive's members, with the state of their targets on the host (keyed by the archive's version and selection). */
const localTargetsFact = defineFact({
  module: 'unarchive',
  name: 'localTargets',
  id: (p: LocalProbe, args: UnarchiveOptions) => [p.path, p.sha256, args.dest, args.stripComponents, args.include ?? null],
  script: (p, args) => (p.state.state === 'ok' ? targetsScript(args.dest, p.state.members) : ':'),
  parse: (r, p): ArchiveState => {
    const { state } = p;
    if (state.state !== 'ok') return state;
    const targets = parseTargets(r.stdout);
    const members = state.members.map((m) => ({ ...m, dest: targets.get(m.path) ?? { exists: false } }));
    return { state: 'ok', members, local: { path: p.path, sha256: p.sha256 } };
  },
});
