import { safeCheckFunctions, TsplayError, type Identity } from '../kit/index.js';
import type { Member } from './probe.js';

/**
 * Issue 25: extracting as root into a dest whose subdirectories another user can change.
 *
 * `dest` and every directory above it get the safe write's check (in apply.ts). The archive is extracted
 * into a root-only temp directory inside dest (`--no-overwrite-dir`: a `./` member does not open it). Then,
 * before anything is placed, every directory of the extracted tree whose target under dest exists is checked:
 * its physical directory (for a symlink: every directory up to `/` as well, and the symlink must be root's or
 * the login user's) must be one no one but root and the login user can change (the safe write's rule). Else
 * the script exits UNSAFE_PATH naming it, nothing placed. The placing renames and makes directories only
 * inside such directories, so no one can redirect it.
 */
export function subdirCheckLines(): string[] {
  return [
    safeCheckFunctions(),
    '( cd "$t" && find . -mindepth 1 -type d ) | LC_ALL=C sort | while IFS= read -r r; do',
    '  d="$dest/${r#./}"',
    '  if [ -L "$d" ]; then',
    '    o=$(stat -c %u -- "$d") || tsplay_refuse "$d"',
    '    [ "$o" -eq 0 ] || [ "$o" -eq "$tsplay_me" ] || tsplay_refuse "$d"',
    '    x=$(cd -P -- "$d" 2>/dev/null && pwd -P) || continue',
    '    tsplay_check "$x"',
    '  elif [ -d "$d" ]; then',
    '    tsplay_check1 "$d"',
    '  fi',
    'done || exit $?',
  ];
}

/**
 * New directories are made 0700 (umask 077 while placing) and get their final mode only at the end, deepest
 * first: a directory the archive opens to others (0777) is opened when everything below it is in place.
 * `made` lists them (paths relative to dest, one a line; empty when none was made); their modes are those in "$t".
 */
export function lateModeLines(made: string, exitCode: number): string[] {
  return [
    // most extractions make no directory: no sort and no loop's subshell then
    `[ ! -s "${made}" ] || LC_ALL=C sort -r "${made}" | while IFS= read -r r; do chmod "$(stat -c %a -- "$t/$r")" "$dest/$r" || exit ${exitCode}; done || exit $?`,
  ];
}

/** The UNSAFE_PATH of an extraction refused because of directory `dir` (apply and check mode alike). */
export function unsafeSubdirError(src: string, dest: string, dir: string): TsplayError {
  return new TsplayError('UNSAFE_PATH', `refusing to extract ${src} into ${dest}: ${dir} can be changed by a user other than root`, {
    field: dir,
    hint: `make ${dir} root's and not group/world-writable (chown root ${dir}; chmod go-w ${dir}): tsplay extracts as root only through directories no one else can change`,
  });
}

/**
 * Check mode's view of the subdirectory check, from the members' targets (the physical directory behind a
 * symlink is not probed: only the symlink's owner is judged): the first directory member whose existing target
 * the script would refuse, else undefined.
 */
export function unsafeSubdir(members: readonly Member[], me: Identity | undefined, dest: string): string | undefined {
  const users = new Set(['root', me?.user]);
  for (const m of members) {
    const d = m.dest;
    if (m.type !== 'dir' || !d.exists) continue;
    const where = dest === '/' ? `/${m.path}` : `${dest}/${m.path}`;
    if (!users.has(d.owner)) return where;
    if (d.type !== 'dir') continue;
    const mode = d.mode ?? 0;
    const open = (mode & 0o002) !== 0 || ((mode & 0o020) !== 0 && d.group !== 'root');
    if (open && (mode & 0o1000) === 0) return where;
  }
  return undefined;
}
