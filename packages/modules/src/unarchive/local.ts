import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { commandFact, pathFact, sh, type FactQuery, type PathState, type PlanContext } from '@tsplay/core';
import type { UnarchiveOptions } from './args.js';
import { archiveFact, archiveScript, DESCRIBE, existingTargetsFact, parseArchive, type ArchiveState, type Member } from './facts.js';

/** Relative workstation paths resolve against the run's base directory (the playbook's), else the cwd. */
export function baseDirOf(ctx: PlanContext): string {
  return (ctx as PlanContext & { baseDir?: string }).baseDir ?? process.cwd();
}

interface LocalProbe {
  path: string;
  sha256: string;
  state: ArchiveState;
}

const memo = new Map<string, LocalProbe>();

/**
 * The workstation side of the archive fact: the same probe script, run here with a dest that does
 * not exist, gives the members (type, mode, sha256). Memoized per file version and selection, so a
 * run over many hosts reads the archive once. Needs GNU tar and coreutils on the workstation.
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
  const script = archiveScript({ ...args, src: path, dest: '/nonexistent/.tsplay-no-dest' });
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const state = r.status === 0 ? parseArchive(r.stdout, r.stderr) : { state: 'error' as const, message: r.stderr.trim() || 'local probe failed' };
  const probe = { path, sha256, state };
  memo.set(key, probe);
  return probe;
}

/** Prints `M|...` lines like the archive probe, with the member side known from the workstation. */
export function targetsScript(dest: string, members: readonly Member[]): string {
  const lines = [sh`dest=${dest}`, DESCRIBE];
  for (const m of members) {
    const desc = `${m.type}|${m.mode.toString(8)}|${m.sha256 ?? m.target ?? ''}`;
    lines.push(
      `${sh`r=${m.path}; d=${desc}`}; printf 'M|%s|%s|%s|%s\\n' "$d" "$(describe "$dest/$r")" "$(stat -c %U:%G -- "$dest/$r" 2>/dev/null)" "$r"`,
    );
  }
  return lines.join('\n');
}

/** With copyFromLocal: members from the workstation, the state of their targets from the host. */
export function localArchiveFact(args: UnarchiveOptions, baseDir: string): FactQuery<ArchiveState> {
  const p = probeLocalArchive(args, baseDir);
  if ('missing' in p) return commandFact(`unarchive-local:missing:${p.path}`, ':', () => ({ state: 'missing' }));
  const { state } = p;
  const key = `unarchive-local:${JSON.stringify([p.path, p.sha256, args.dest, args.stripComponents, args.include ?? null])}`;
  if (state.state !== 'ok') return commandFact(key, ':', () => state);
  const local = { path: p.path, sha256: p.sha256 };
  return commandFact(key, targetsScript(args.dest, state.members), (r) => {
    const host = parseArchive(`A|ok\n${r.stdout}`, r.stderr);
    return host.state === 'ok' ? { ...host, local } : host;
  });
}

/** The facts an unarchive plans from: the archive's members with their targets' state, and dest. */
export function unarchiveFacts(
  args: UnarchiveOptions,
  ctx: PlanContext,
): { archive: FactQuery<ArchiveState>; dest: FactQuery<PathState>; existing: FactQuery<string[]> } {
  const archive = args.copyFromLocal ? localArchiveFact(args, baseDirOf(ctx)) : archiveFact(args);
  return { archive, dest: pathFact(args.dest), existing: existingTargetsFact(args) };
}
