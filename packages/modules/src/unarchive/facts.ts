import { commandFact, quote, sh, unknownFact, type FactQuery, type PathState, type PathType } from '@tsplay/core';
import type { UnarchiveOptions } from './args.js';
import { inferTargets } from './targets.js';

/** One archive member (after --strip-components) and what is at its target under dest. */
export interface Member {
  /** Path relative to dest. */
  path: string;
  type: 'file' | 'dir' | 'link';
  /** Mode as extracted (the archive's, as the extracting user sees it). */
  mode: number;
  sha256?: string | undefined;
  target?: string | undefined;
  dest: PathState;
}

/**
 * The archive as seen on the host. `pending`: only predicted by an earlier task of this check
 * run (the overlay has src), so its members are not known yet.
 */
export type ArchiveState =
  | { state: 'missing' }
  | { state: 'pending' }
  | { state: 'error'; message: string }
  | { state: 'ok'; members: Member[]; local?: LocalArchive | undefined };

/** With `copyFromLocal`: the workstation file that apply uploads. */
export interface LocalArchive {
  path: string;
  sha256: string;
}

const TYPES: Record<string, PathType> = { file: 'file', dir: 'dir', link: 'link', other: 'other' };

/** tar's options that select and place the members; shared by the fact and apply. */
export function tarSelect(args: UnarchiveOptions): string {
  const parts = [sh`--no-same-owner --same-permissions --strip-components=${args.stripComponents}`];
  if (args.include) parts.push(sh`--wildcards -- ${args.include}`);
  return parts.join(' ');
}

/** Describe the path "$1" (relative to the cwd) as `type|mode|value` ('none||' when absent). */
export const DESCRIBE = [
  'describe() {',
  '  if [ -L "$1" ]; then printf "link|%s|%s" "$(stat -c %a -- "$1")" "$(readlink -- "$1")"',
  '  elif [ -d "$1" ]; then printf "dir|%s|" "$(stat -c %a -- "$1")"',
  `  elif [ -f "$1" ]; then printf "file|%s|%s" "$(stat -c %a -- "$1")" "$(sha256sum < "$1" | cut -d' ' -f1)"`,
  '  elif [ -e "$1" ]; then printf "other|%s|" "$(stat -c %a -- "$1")"',
  '  else printf "none||"; fi',
  '}',
].join('\n');

/**
 * Extract the matching members into a private temp dir under $TMPDIR (default /tmp), print each one's type, mode and
 * sha256 with the state of its target under dest, and remove the temp dir. Read-only for the host.
 */
export function archiveScript(args: UnarchiveOptions): string {
  return [
    sh`src=${args.src}; dest=${args.dest}`,
    `if [ ! -e "$src" ]; then echo 'A|missing'; exit 0; fi`,
    't=$(mktemp -d "${TMPDIR:-/tmp}/.tsplay-unarchive.XXXXXX") || exit 1',
    `trap 'rm -rf "$t"' EXIT`,
    `trap 'exit 130' INT TERM HUP PIPE`,
    `if ! err=$(tar -x -f "$src" -C "$t" ${tarSelect(args)} 2>&1); then echo 'A|error'; printf '%s\\n' "$err" >&2; exit 0; fi`,
    DESCRIBE,
    `echo 'A|ok'`,
    'cd "$t" || exit 1',
    'find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r p; do',
    '  r=${p#./}',
    '  printf "M|%s|%s|%s|%s\\n" "$(describe "$p")" "$(describe "$dest/$r")" "$(stat -c %U:%G -- "$dest/$r" 2>/dev/null)" "$r"',
    'done',
  ].join('\n');
}

function num8(s: string | undefined): number {
  return parseInt(s ?? '0', 8);
}

/** Parse the output of `archiveScript`. Exported for tests. */
export function parseArchive(stdout: string, stderr: string): ArchiveState {
  const lines = stdout.split('\n');
  const head = lines.find((l) => l.startsWith('A|'));
  if (head === 'A|missing') return { state: 'missing' };
  if (head === 'A|error') return { state: 'error', message: stderr.trim() || 'tar failed' };
  if (head !== 'A|ok') throw new Error(`unexpected archive probe output: ${stdout.slice(0, 200)}`);
  const members: Member[] = [];
  for (const l of lines) {
    if (!l.startsWith('M|')) continue;
    // M|type|mode|value|dtype|dmode|dvalue|owner:group|path (path last: it may contain '|')
    const f = l.split('|');
    const [type, mode, value, dtype, dmode, dvalue, og] = f.slice(1, 8);
    const path = f.slice(8).join('|');
    if (type !== 'file' && type !== 'dir' && type !== 'link') continue;
    const dt = TYPES[dtype ?? ''];
    const [owner, group] = (og ?? '').split(':');
    const dest: PathState = dt ? { exists: true, type: dt, mode: num8(dmode), owner, group } : { exists: false };
    if (dt === 'file' && dvalue) dest.sha256 = dvalue;
    if (dt === 'link') dest.target = dvalue;
    const m: Member = { path, type, mode: num8(mode), dest };
    if (type === 'file') m.sha256 = value;
    if (type === 'link') m.target = value;
    members.push(m);
  }
  return { state: 'ok', members };
}

/** The archive's matching members with their sha256 and the state of their targets, in one probe. */
export function archiveFact(args: UnarchiveOptions): FactQuery<ArchiveState> {
  const key = `unarchive:${JSON.stringify([args.src, args.dest, args.stripComponents, args.include ?? null])}`;
  // When every include pattern names its target exactly, the result depends only on the archive and those
  // targets: the runner may answer it from the workstation's signature cache instead of unpacking again.
  const targets = inferTargets(args);
  const exact = args.include !== undefined && targets.length === args.include.length;
  return commandFact(key, archiveScript(args), (r) => parseArchive(r.stdout, r.stderr), {
    ...(exact ? { cacheBy: [args.src, args.dest, ...targets.map((t) => `${args.dest.replace(/\/$/, '')}/${t}`)] } : {}),
    fromOverlay: (o) => {
      const s = o.path(args.src);
      if (!s) return undefined;
      return s.exists ? { state: 'pending' } : { state: 'missing' };
    },
  });
}

/**
 * Which of the targets that `include` names exactly already exist under dest (for an archive that
 * is only predicted in check mode: with none there, extracting changes exactly those; with some,
 * what it would change is unknown). Answered from the overlay when an earlier task predicts them.
 */
export function existingTargetsFact(args: UnarchiveOptions): FactQuery<string[]> {
  const paths = inferTargets(args).map((t) => `${args.dest.replace(/\/$/, '')}/${t}`);
  const fact = commandFact(
    `unarchive-targets:${JSON.stringify(paths)}`,
    paths.length ? `for p in ${paths.map(quote).join(' ')}; do if [ -e "$p" ] || [ -L "$p" ]; then printf '%s\\n' "$p"; fi; done` : ':',
    (r) => r.stdout.split('\n').filter(Boolean),
    {
      fromOverlay: (o) => {
        const why = paths.map((p) => o.unknown(p)).find((w) => w !== undefined);
        if (why !== undefined) return unknownFact(why);
        const known = paths.map((p) => o.path(p));
        if (known.every((k) => k === undefined)) return undefined;
        if (known.some((k) => k === undefined)) return unknownFact('some of its targets are predicted by earlier tasks and some are not');
        return paths.filter((_, i) => known[i]?.exists);
      },
    },
  );
  return { ...fact, paths };
}
