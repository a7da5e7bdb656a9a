import { quote, sh, type PathState } from '../kit/index.js';
import type { UnarchiveOptions } from './args.js';
import { inferTargets } from './targets.js';

/** One archive member (after --strip-components) and what is at its target under dest. */
export interface Member {
  /** Path relative to dest. */
  path: string;
  type: 'file' | 'dir' | 'link';
  /** Mode as extracted (the archive's; an implicit parent directory: 0777 less the umask). */
  mode: number;
  /** A file's content; undefined when it was not compared (its target is not a regular file: it is written anyway). */
  sha256?: string | undefined;
  target?: string | undefined;
  dest: PathState;
}

/** With `copyFromLocal`: the workstation file that apply uploads. */
export interface LocalArchive {
  path: string;
  sha256: string;
}

/**
 * The archive as seen on the host. `pending`: only predicted by an earlier task of this check run (the overlay
 * has src). `fresh`: a real run where none of the targets that `include` names exactly exists, so the archive
 * was not read at all (extracting writes exactly those).
 */
export type ArchiveState =
  | { state: 'missing' }
  | { state: 'pending' }
  | { state: 'fresh' }
  | { state: 'error'; message: string }
  | { state: 'ok'; members: Member[]; local?: LocalArchive | undefined };

/** tar's options that select and place the members; shared by the fact and apply. */
export function tarSelect(args: UnarchiveOptions): string {
  const parts = [sh`--no-same-owner --same-permissions --strip-components=${args.stripComponents}`];
  if (args.include) parts.push(sh`--wildcards -- ${args.include}`);
  return parts.join(' ');
}

/** Describe the path "$1" as `type|mode|value|owner:group` ('none|||' when absent); `value` is a file's sha256 only when "$2" is set. */
export const DESCRIBE = [
  'describe() {',
  '  if [ -L "$1" ]; then printf "link|%s|%s" "$(stat -c %a -- "$1")" "$(readlink -- "$1")"',
  '  elif [ -d "$1" ]; then printf "dir|%s|" "$(stat -c %a -- "$1")"',
  `  elif [ -f "$1" ]; then printf "file|%s|%s" "$(stat -c %a -- "$1")" "\${2:+$(sha256sum < "$1" | cut -d' ' -f1)}"`,
  '  elif [ -e "$1" ]; then printf "other|%s|" "$(stat -c %a -- "$1")"',
  '  else printf "none||"; fi',
  '  printf "|%s" "$(stat -c %U:%G -- "$1" 2>/dev/null)"',
  '}',
].join('\n');

/**
 * Run by tar for each regular member (content on stdin): print `H|sha256|name` on fd 3. Where the target under
 * "$dest" is a regular file it is hashed at the same time (`G|sha256|name`, in the background while the member
 * streams); elsewhere the member is hashed only with `all` (a missing target is written anyway).
 */
function hasher(all: boolean): string {
  const hash = `printf 'H|%s|%s\\n' "$(sha256sum | cut -d' ' -f1)" "$TAR_FILENAME" >&3`;
  const target = `{ printf 'G|%s|%s\\n' "$(sha256sum < "$f" | cut -d' ' -f1)" "$TAR_FILENAME" >&3 & }`;
  return `f="$dest/$TAR_FILENAME"; if [ -f "$f" ] && [ ! -L "$f" ]; then ${target}; ${hash}; wait; else ${all ? hash : 'cat >/dev/null'}; fi`;
}

/**
 * Turn `tar -tvv` lines (in $list) into `M|perms|type|mode|value|owner:group|name` lines, the target's state
 * described, each followed by `T|linktarget` for links; `P|…` the same for each parent directory of a member.
 */
const LISTING = [
  // Parent paths already described, one a line (a path with a line break is not supported anyway).
  "nl='\n'; seen=$nl",
  'parents() { p=$1; while [ "${p%/*}" != "$p" ]; do p=${p%/*}; case "$seen" in *"$nl$p$nl"*) return;; esac; seen="$seen$p$nl"; printf \'P|%s|%s\\n\' "$(describe "$dest/$p")" "$p"; done; }',
  `printf '%s\\n' "$list" | while IFS= read -r l; do`,
  '  case "$l" in [-dlh][-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT]\\ *) ;; *) continue;; esac',
  '  set -f; set -- $l; set +f',
  '  rest=${l#*" $4 $5 "}; lt=',
  '  case "$1" in l*) lt=${rest#* -> }; rest=${rest%% -> *};; h*) lt=${rest#* link to }; rest=${rest%% link to *};; esac',
  '  n=${rest%/}; [ -n "$n" ] || continue',
  '  parents "$n"',
  '  case "$1" in h*) hx=1;; *) hx=;; esac',
  '  printf \'M|%s|%s|%s\\n\' "$1" "$(describe "$dest/$n" "$hx")" "$n"',
  '  [ -z "$lt" ] || printf \'T|%s\\n\' "$lt"',
  'done',
].join('\n');

export interface ProbeOptions {
  /** Hash every regular member (the workstation side of copyFromLocal, whose members must all be known). */
  hashAll?: boolean;
  /** A real run: when no target that `include` names exactly exists, answer `fresh` without reading the archive. */
  fresh?: boolean;
}

/**
 * One pass of tar over the archive, writing nothing: `tar -x --to-command` streams each selected regular member
 * into sha256sum (only those whose target exists as a file), while `-vv` lists every member with its type and
 * mode; then each member's target under dest is described. Prints `A|…` first (missing, fresh, error, ok).
 */
export function archiveScript(args: UnarchiveOptions, opts: ProbeOptions = {}): string {
  const targets = inferTargets(args);
  const exact = args.include !== undefined && targets.length === args.include.length;
  const fresh =
    opts.fresh && exact
      ? [
          `for r in ${targets.map(quote).join(' ')}; do if [ -e "$dest/$r" ] || [ -L "$dest/$r" ]; then any=1; fi; done`,
          `if [ -z "$any" ]; then echo 'A|fresh'; exit 0; fi`,
        ]
      : [];
  return [
    sh`src=${args.src}; dest=${args.dest}; any=`,
    'export dest',
    `if [ ! -e "$src" ]; then echo 'A|missing'; exit 0; fi`,
    ...fresh,
    DESCRIBE,
    `{ list=$(LC_ALL=C tar -x -vv -f "$src" --quoting-style=literal --show-transformed-names --to-command=${quote(hasher(opts.hashAll ?? false))} ${tarSelect(args)} 2>&1); } 3>&1`,
    `if [ $? -ne 0 ]; then echo 'A|error'; printf '%s\\n' "$list" | grep '^tar: ' >&2; exit 0; fi`,
    `echo 'A|ok'; printf 'U|%s\\n' "$(umask)"`,
    LISTING,
  ].join('\n');
}
