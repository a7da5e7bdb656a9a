/**
 * The directory check, as shell, shared by the safe write's scripts (safe-write.ts) and check mode's probe
 * (safe-dir-fact.ts), so both judge a directory with the same code:
 * `tsplay_judge1 DIR UID GID MODEHEX` judges one physical directory from its stat (calls `tsplay_refuse DIR`,
 * or sets tsplay_as=1 when it is the target owner's); `tsplay_check1 DIR` stats then judges it;
 * `tsplay_check DIR` judges DIR and every directory above it.
 */

/**
 * One shell line: `${prefix}me` and `${prefix}mg`, the effective uid and gid, read by the shell itself from
 * /proc/self/status (builtins: no process); both empty where /proc is not there (stderr goes first, so the failed
 * open says nothing: a batch runs this in its own shell too, safe-dir-fact.ts). Its other variables carry the
 * prefix too, so code in a batch's own shell (a fact's fast path) can read the ids without touching the batch's.
 */
export function effectiveIds(prefix = 'tsplay_'): string {
  const v = (n: string) => `${prefix}${n}`;
  return `${v('me')}=; ${v('mg')}=; while read -r ${v('k')} ${v('r')} ${v('e')} ${v('x')}; do case $${v('k')} in Uid:) ${v('me')}=$${v('e')};; Gid:) ${v('mg')}=$${v('e')}; break;; esac; done 2>/dev/null </proc/self/status`;
}

/** `effectiveIds()`: `tsplay_me` and `tsplay_mg`. */
export const EFFECTIVE_IDS = effectiveIds();

/** `tsplay_me` and `tsplay_mg` (EFFECTIVE_IDS), the uid from `id -u` where /proc is not there. */
export const ME = [EFFECTIVE_IDS, '[ -n "$tsplay_me" ] || tsplay_me=$(id -u) || exit 1'];

/** `tsplay_judge1 DIR UID GID MODEHEX` (stat's `%u %g %f`). */
export const JUDGE_ONE = [
  'tsplay_judge1() {',
  '  tsplay_m=$((0x$4))',
  '  [ $((tsplay_m & 0170000)) -eq $((0040000)) ] || { tsplay_refuse "$1"; return; }',
  '  if [ "$2" -ne 0 ] && [ "$2" -ne "$tsplay_me" ]; then',
  '    [ "$2" -eq "$tsplay_tu" ] && [ "$tsplay_me" -eq 0 ] || { tsplay_refuse "$1"; return; }',
  '    tsplay_as=1',
  '  fi',
  '  if [ $((tsplay_m & 01000)) -eq 0 ]; then',
  '    [ $((tsplay_m & 02)) -eq 0 ] || { tsplay_refuse "$1"; return; }',
  '    [ $((tsplay_m & 020)) -eq 0 ] || [ "$3" -eq 0 ] || { tsplay_refuse "$1"; return; }',
  '  fi',
  '}',
];

/**
 * A directory check's verdict, as the probe prints it (safe-dir-fact.ts): `tsplay_verdict UID GID MODEHEX OWNER`
 * prints `ok`, `owner|OWNER` (refused only because it is OWNER's: a second pass with that owner as the target owner
 * passes) or `refuse`; `tsplay_next` prints the next directory's `D|I|` from `$tsplay_ix`.
 */
export const DIR_VERDICT = [
  'tsplay_refuse() { tsplay_no=1; }',
  ...JUDGE_ONE,
  'tsplay_verdict() {',
  '  tsplay_no=; tsplay_as=; tsplay_tu=-1; tsplay_judge1 - "$1" "$2" "$3"',
  '  [ -n "$tsplay_no" ] || { echo ok; return; }',
  '  tsplay_no=; tsplay_tu=$1; tsplay_judge1 - "$1" "$2" "$3"',
  '  if [ -z "$tsplay_no" ] && [ -n "$tsplay_as" ]; then echo "owner|$4"; else echo refuse; fi',
  '}',
  'tsplay_next() { tsplay_ix=${tsplay_ix# }; tsplay_i=${tsplay_ix%% *}; tsplay_ix=${tsplay_ix#"$tsplay_i"}; printf \'D|%s|\' "$tsplay_i"; }',
];

/**
 * POSIX `dirname` and `basename` of $1 as shell functions, the answer in `tsplay_dnr`: parameter expansion
 * only, where `$(dirname -- ...)` cost a fork and an exec (~4 ms on a lab host) for every safe write.
 */
export const PATH_PARTS = [
  'tsplay_dn() {',
  "  tsplay_dnr=$1; case $tsplay_dnr in '') tsplay_dnr=.; return;; *[!/]*) ;; *) tsplay_dnr=/; return;; esac",
  '  while [ "${tsplay_dnr%/}" != "$tsplay_dnr" ]; do tsplay_dnr=${tsplay_dnr%/}; done',
  '  case $tsplay_dnr in */*) tsplay_dnr=${tsplay_dnr%/*};; *) tsplay_dnr=.; return;; esac',
  '  while [ "${tsplay_dnr%/}" != "$tsplay_dnr" ]; do tsplay_dnr=${tsplay_dnr%/}; done',
  '  [ -n "$tsplay_dnr" ] || tsplay_dnr=/',
  '}',
  'tsplay_bn() {',
  "  tsplay_dnr=$1; case $tsplay_dnr in '') return;; *[!/]*) ;; *) tsplay_dnr=/; return;; esac",
  '  while [ "${tsplay_dnr%/}" != "$tsplay_dnr" ]; do tsplay_dnr=${tsplay_dnr%/}; done',
  '  tsplay_dnr=${tsplay_dnr##*/}',
  '}',
];

export const CHECK_FUNCTIONS = [
  ...PATH_PARTS,
  ...JUDGE_ONE,
  'tsplay_check1() {',
  `  tsplay_s=$(stat -c '%u %g %f' -- "$1") || { tsplay_refuse "$1"; return; }`,
  '  tsplay_judge1 "$1" $tsplay_s',
  '}',
  // $1: a physical directory (no '.', '..', '//' or trailing '/': its parents are cut off by the shell). Refuses,
  // or sets tsplay_as=1 when a directory is the target owner's. One stat reads the chain, judged from $1 up;
  // with one of them gone meanwhile, each is read on its own (the missing one is refused).
  'tsplay_check() {',
  '  tsplay_c=$1; set --',
  '  while :; do',
  '    set -- "$@" "$tsplay_c"',
  '    [ "$tsplay_c" = / ] && break',
  '    tsplay_c=${tsplay_c%/*}; [ -n "$tsplay_c" ] || tsplay_c=/',
  '  done',
  `  tsplay_st=$(stat -c '%u %g %f' -- "$@" 2>/dev/null) || { for tsplay_d do tsplay_check1 "$tsplay_d"; done; return; }`,
  "  tsplay_nl='\n'",
  '  for tsplay_d do',
  '    tsplay_l=${tsplay_st%%"$tsplay_nl"*}; tsplay_st=${tsplay_st#*"$tsplay_nl"}',
  '    tsplay_judge1 "$tsplay_d" $tsplay_l',
  '  done',
  '}', // $1: a directory as the path names it. Each prefix is resolved and checked too (a name is looked up in it):
  // a symlink on the way, planted where another user can write, cannot lead the write to a safe-looking place.
  'tsplay_check_given() {',
  '  tsplay_g=$1',
  '  while :; do',
  '    case $tsplay_g in /|.|//) return;; esac',
  '    tsplay_x=$(cd -P -- "$tsplay_g" 2>/dev/null && pwd -P) || { tsplay_refuse "$tsplay_g"; return; }',
  '    tsplay_check1 "$tsplay_x"',
  '    tsplay_dn "$tsplay_g"; tsplay_g=$tsplay_dnr',
  '  done',
  '}',
];
