import { randomBytes } from 'node:crypto';
import { TsplayError } from './errors.js';
import { quote } from './sh.js';
import { CHECK_FUNCTIONS, ME } from './safe-check.js';

/**
 * The one way tsplay writes a file, makes a directory or sets owner/mode on a host (over SSH and locally).
 *
 * Every directory from `/` to the one written into is checked first (physical path, symlinks resolved).
 * A directory that someone other than root, the login user and the target owner can change (owned by
 * another user; group-writable by a group other than root's; world-writable) without the sticky bit
 * makes the script refuse: exit UNSAFE_PATH_EXIT and a `tsplay-unsafe-path: DIR` line on stderr. A
 * directory the (non-root) target owner can change makes the whole write run AS that owner (setpriv),
 * so that owner can only redirect it onto files it could change anyway. Otherwise no one but root can
 * rename in the directory, so owner and mode set by name on the temp file land on that file.
 */
export interface SafeWriteTarget {
  path: string;
  owner?: string | undefined;
  group?: string | undefined;
  mode?: number | undefined;
  /** No `mode` given: 0600 whatever the old file's mode was. */
  secret?: boolean | undefined;
}

export interface SafeWriteOptions {
  /** Remove tsplay's own temp files in the directory last modified before this time (ms since the epoch, on the HOST's clock). */
  staleBefore?: number | undefined;
}

/** The scripts' exit code when they refuse a directory. */
export const UNSAFE_PATH_EXIT = 86;
const MARK = 'tsplay-unsafe-path: ';

/** tsplay's own temp names: `.NAME.tsplay-` + 6 letters/digits (`tempSuffix`) or 12 hex digits (older puts). */
export const TEMP_GLOBS = [`.?*.tsplay-${'[0-9a-f]'.repeat(12)}`, `.?*.tsplay-${'[0-9A-Za-z]'.repeat(6)}`] as const;

/** `find` removing tsplay temp files in the directory `dirExpr` (a shell word) last modified before `beforeMs` (host clock). Never fails. */
export function staleTempCleanup(dirExpr: string, beforeMs: number): string {
  const t = Math.max(0, Math.floor(beforeMs));
  const at = `@${Math.floor(t / 1000)}.${String(t % 1000).padStart(3, '0')}`;
  const names = `\\( -name ${quote(TEMP_GLOBS[0])} -o -name ${quote(TEMP_GLOBS[1])} \\)`;
  return `{ find ${dirExpr} -maxdepth 1 -type f ${names} ! -newermt ${at} -exec rm -f -- {} + ; } 2>/dev/null || true`;
}

/** Who we are and who the target owner is (tsplay_me, tsplay_tu, tsplay_tg). */
function whoLines(owner: string | undefined): string[] {
  return owner
    ? [
        `tsplay_tu=$(id -u -- ${quote(owner)}) && tsplay_tg=$(id -g -- ${quote(owner)}) || { echo ${quote(`tsplay: no such user: ${owner}`)} >&2; exit 1; }`,
      ]
    : ['tsplay_tu=$tsplay_me; tsplay_tg=${tsplay_mg:-$(id -g)}'];
}

/** Shell functions and variables every script starts with: who we are, who the target owner is, the directory check. */
export function prelude(t: Pick<SafeWriteTarget, 'owner'>): string[] {
  const who = whoLines(t.owner);
  return [`tsplay_refuse() { printf '${MARK}%s\\n' "$1" >&2; exit ${UNSAFE_PATH_EXIT}; }`, ...ME, ...who, ...CHECK_FUNCTIONS, 'tsplay_as='];
}

/** Run `body` (exported TSPLAY_* variables, stdin inherited) as root/the login user, or as the target owner. */
export function runBody(body: string): string[] {
  return [
    'export TSPLAY_DIR TSPLAY_NAME',
    `tsplay_body=${quote(body)}`,
    'if [ -n "$tsplay_as" ]; then',
    '  command -v setpriv >/dev/null 2>&1 || { echo "tsplay: setpriv (util-linux) is needed to write as the owner of $TSPLAY_DIR" >&2; tsplay_refuse "$TSPLAY_DIR"; }',
    '  exec setpriv --reuid="$tsplay_tu" --regid="$tsplay_tg" --init-groups -- /bin/sh -c "$tsplay_body"',
    'fi',
    'exec /bin/sh -c "$tsplay_body"',
  ];
}

function chownLine(t: SafeWriteTarget, what: string, flags = ''): string[] {
  if (!t.owner && !t.group) return [];
  return [`chown ${flags}${quote(`${t.owner ?? ''}${t.group ? `:${t.group}` : ''}`)} ${what} || exit 1`];
}

const octal = (m: number): string => (m & 0o7777).toString(8).padStart(4, '0');

/** TSPLAY_NAME and the physical TSPLAY_DIR of "$tsplay_p", then the check of that directory and every one above it. */
export function parentLines(): string[] {
  return [
    // basename's answer: the path never ends in '/' (pathLines)
    'TSPLAY_NAME=${tsplay_p##*/}; tsplay_dn "$tsplay_p"; tsplay_pd=$tsplay_dnr',
    'TSPLAY_DIR=$(cd -P -- "$tsplay_pd" 2>/dev/null && pwd -P) || { echo "tsplay: no such directory: $tsplay_pd" >&2; exit 1; }',
    'tsplay_check "$TSPLAY_DIR"',
    '[ "$tsplay_pd" = "$TSPLAY_DIR" ] || tsplay_check_given "$tsplay_pd"',
  ];
}

/** Split `path` into the shell variables `tsplay_p` (as given) and, for a file, its parent and name. */
export function pathLines(path: string): string[] {
  if (!path || path.endsWith('/') || /\0/.test(path))
    throw new TsplayError('ARGS_INVALID', `not a file path: ${JSON.stringify(path)}`, { field: 'path' });
  return [`tsplay_p=${quote(path)}`];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 6 random letters/digits: the temp name's suffix (`TEMP_GLOBS[1]`, as mktemp's XXXXXX). */
function tempSuffix(): string {
  return [...randomBytes(6)].map((b) => ALNUM[b % ALNUM.length]).join('');
}

/**
 * The mode a new temp file can be created with (by the shell, through the umask) that is the file's final one,
 * so that no chmod follows: a given mode, or a secret's 0600, without x or special bits, writable by its owner
 * (the fill opens it again: a user other than root could not write a 0400 file), and with no chown after it (a
 * chown of a file with its final mode would open it to the old group first). Undefined otherwise.
 */
function creationMode(t: SafeWriteTarget): number | undefined {
  if (t.owner || t.group) return undefined;
  const mode = t.mode ?? (t.secret ? 0o600 : undefined);
  return mode !== undefined && (mode & ~0o666) === 0 && (mode & 0o200) !== 0 ? mode : undefined;
}

/**
 * The temp file, made by the shell in the checked directory with O_EXCL (`set -C`: an existing name, a
 * symlink included, is an error) under a name with a random suffix chosen here: no one but root, the login
 * user and the target owner (as whom the body then runs) can make entries in that directory, so mktemp's own
 * draw adds nothing but a process. Created with `mode` when given (else 0600, the body's umask).
 */
function tempLines(mode: number | undefined): string[] {
  const umask = mode === undefined ? [] : [`umask ${octal(~mode & 0o777)}`];
  return [
    `tsplay_tn="$TSPLAY_DIR/.$TSPLAY_NAME.tsplay-${tempSuffix()}"`,
    ...umask,
    'set -C; true > "$tsplay_tn" || exit 1; set +C',
    ...(umask.length > 0 ? ['umask 077'] : []),
    'TSPLAY_TMP=$tsplay_tn',
  ];
}

/**
 * Write a file: checks, then (as the chosen user) a temp file made O_EXCL in the same directory (`tempLines`),
 * `fill` (a sh fragment writing the content into "$TSPLAY_TMP"; it may read stdin), owner then mode on that
 * temp file (or the mode it was made with), fsync, rename onto the path. With no `mode`: `secret` gives 0600,
 * else the old file's mode, else 0644.
 */
export function safeWriteScript(target: SafeWriteTarget, fill: string, opts: SafeWriteOptions = {}): string {
  const made = creationMode(target);
  const mode =
    made !== undefined
      ? []
      : target.mode !== undefined
        ? [`chmod ${octal(target.mode)} "$TSPLAY_TMP" || exit 1`]
        : target.secret
          ? ['chmod 0600 "$TSPLAY_TMP" || exit 1']
          : [
              'if [ -f "$tsplay_dst" ] && [ ! -L "$tsplay_dst" ]; then tsplay_om=$(stat -c %a -- "$tsplay_dst") || exit 1; else tsplay_om=644; fi',
              'chmod "$tsplay_om" "$TSPLAY_TMP" || exit 1',
            ];
  const body = [
    'umask 077',
    'tsplay_dst="$TSPLAY_DIR/$TSPLAY_NAME"',
    ...(opts.staleBefore !== undefined ? [staleTempCleanup('"$TSPLAY_DIR"', opts.staleBefore)] : []),
    'if [ -d "$tsplay_dst" ] && [ ! -L "$tsplay_dst" ]; then echo "tsplay: $tsplay_dst is a directory" >&2; exit 1; fi',
    ...tempLines(made),
    `trap 'rm -f -- "$TSPLAY_TMP"' EXIT`,
    `trap 'exit 1' HUP INT TERM PIPE`,
    '{',
    fill,
    '} || exit 1',
    ...chownLine(target, '"$TSPLAY_TMP"'),
    ...mode,
    'sync -- "$TSPLAY_TMP" 2>/dev/null || sync',
    'mv -f -- "$TSPLAY_TMP" "$tsplay_dst" || exit 1',
    'trap - EXIT',
    'sync -- "$TSPLAY_DIR" 2>/dev/null || true',
  ].join('\n');
  return [...pathLines(target.path), ...prelude(target), ...parentLines(), ...runBody(body)].join('\n');
}

/**
 * `mkdir -p` with owner/mode on the last directory: the deepest existing ancestor and its own ancestors are
 * checked; missing directories are made one by one (0700 while being made, so no one else can get in), then
 * the last one gets owner and mode (0755 when none is given, 0700 for a secret) and the ones between 0755.
 */
export function safeMkdirScript(target: SafeWriteTarget): string {
  const mode = target.mode !== undefined ? octal(target.mode) : target.secret ? '0700' : '0755';
  const body = [
    'umask 077',
    'tsplay_d=$TSPLAY_DIR; tsplay_made=',
    'for tsplay_x in $TSPLAY_NAME; do',
    '  tsplay_d="${tsplay_d%/}/$tsplay_x"',
    '  mkdir -- "$tsplay_d" || exit 1',
    '  tsplay_made="$tsplay_d${tsplay_made:+ $tsplay_made}"',
    'done',
    'tsplay_leaf=$TSPLAY_DIR',
    '[ -n "$TSPLAY_NAME" ] && tsplay_leaf=$tsplay_d',
    '[ -d "$tsplay_leaf" ] || { echo "tsplay: $tsplay_leaf is not a directory" >&2; exit 1; }',
    ...chownLine(target, '"$tsplay_leaf"'),
    `chmod ${mode} "$tsplay_leaf" || exit 1`,
    'for tsplay_x in $tsplay_made; do [ "$tsplay_x" = "$tsplay_leaf" ] || chmod 0755 "$tsplay_x" || exit 1; done',
  ].join('\n');
  return [
    ...pathLines(target.path),
    ...prelude(target),
    // The deepest existing ancestor (the path itself when it exists), and the names still to make under it.
    'tsplay_a=$tsplay_p; TSPLAY_NAME=',
    'while [ ! -e "$tsplay_a" ] && [ ! -L "$tsplay_a" ]; do',
    '  tsplay_bn "$tsplay_a"; tsplay_b=$tsplay_dnr',
    '  case $tsplay_b in *[!A-Za-z0-9._@+=,:-]*|.|..) echo "tsplay: unusual directory name: $tsplay_b" >&2; exit 1;; esac',
    '  TSPLAY_NAME="$tsplay_b${TSPLAY_NAME:+ $TSPLAY_NAME}"; tsplay_dn "$tsplay_a"; tsplay_a=$tsplay_dnr',
    'done',
    'TSPLAY_DIR=$(cd -P -- "$tsplay_a" 2>/dev/null && pwd -P) || { echo "tsplay: not a directory: $tsplay_a" >&2; exit 1; }',
    // An existing last directory is changed by name: its parent must be safe. A new one is made inside the existing one.
    'if [ -n "$TSPLAY_NAME" ]; then tsplay_check "$TSPLAY_DIR"; else tsplay_dn "$TSPLAY_DIR"; tsplay_check "$tsplay_dnr"; fi',
    'if [ -n "$TSPLAY_NAME" ]; then tsplay_g=$tsplay_a; else tsplay_dn "$tsplay_a"; tsplay_g=$tsplay_dnr; fi',
    '[ "$tsplay_g" = "$(cd -P -- "$tsplay_g" 2>/dev/null && pwd -P)" ] || tsplay_check_given "$tsplay_g"',
    ...runBody(body),
  ].join('\n');
}

/**
 * Owner/mode (and with `create`, touch) of an existing path, by name in a checked directory. A symlink at
 * the path gets only `chown -h` (never followed); a mode is not applied to it.
 */
export function safeAttrScript(target: SafeWriteTarget, opts: { create?: boolean } = {}): string {
  const mode = target.mode !== undefined ? octal(target.mode) : target.secret ? '0600' : undefined;
  const body = [
    'umask 022',
    'tsplay_dst="$TSPLAY_DIR/$TSPLAY_NAME"',
    ...(opts.create ? ['if [ ! -L "$tsplay_dst" ]; then touch -- "$tsplay_dst" || exit 1; fi'] : []),
    'if [ -L "$tsplay_dst" ]; then',
    ...chownLine(target, '"$tsplay_dst"', '-h '),
    '  exit 0',
    'fi',
    '[ -e "$tsplay_dst" ] || { echo "tsplay: no such file: $tsplay_dst" >&2; exit 1; }',
    ...chownLine(target, '"$tsplay_dst"'),
    ...(mode ? [`chmod ${mode} "$tsplay_dst" || exit 1`] : []),
  ].join('\n');
  return [...pathLines(target.path), ...prelude(target), ...parentLines(), ...runBody(body)].join('\n');
}

/** The refusal of one of the scripts above, as `UNSAFE_PATH` naming the directory (field), else undefined. */
export function safeWriteRefusal(res: { code: number; stdout: string; stderr: string }, path: string): TsplayError | undefined {
  if (res.code !== UNSAFE_PATH_EXIT) return undefined;
  const line = `${res.stderr}\n${res.stdout}`.split('\n').find((l) => l.startsWith(MARK));
  if (line === undefined) return undefined;
  return unsafePathError(path, line.slice(MARK.length));
}

/** The `UNSAFE_PATH` error of a write to `path` refused because of directory `dir` (apply and check mode alike). */
export function unsafePathError(path: string, dir: string): TsplayError {
  return new TsplayError('UNSAFE_PATH', `refusing to write ${path}: ${dir} can be changed by a user other than root and the file's owner`, {
    field: dir,
    hint: `make ${dir} root's and not group/world-writable (chown root ${dir}; chmod go-w ${dir}), or set owner to the user who owns it so that tsplay writes as that user`,
  });
}
