import {
  attrChanges,
  formatMode,
  ownerSpec,
  quote,
  safeCheckFunctions,
  safeRunScript,
  TsplayError,
  withAttrs,
  type Attrs,
  type PathState,
} from '../kit/index.js';
import type { Identity } from '../kit/index.js';
import type { TreeEntry } from './facts.js';

/**
 * `recurse: true`: owner/group/mode on everything below a directory, which root must not be led out of.
 *
 * The path and every directory above it get the safe write's check. Then every directory of the tree (the path
 * included, `find -P`) must be changeable by no one but root, the login user and the target owner: owned by one
 * of them, not group-writable (unless the group is root's), not world-writable, sticky bit or not (in a sticky
 * directory a user still renames its own entries). Else UNSAFE_PATH names the first such directory, before
 * anything changes. So as root no one else can rename anything in the tree while it is changed:
 * - without a (non-root) target owner: the modes first, post-order (`find -depth`: a directory that the new
 *   mode opens to others is changed only after everything in it), then `chown -hPR` (never follows a link);
 * - with one: `chown -hPR` as root (GNU chown's traversal opens no link and changes a link itself, even if the
 *   owner swaps names meanwhile), then the modes AS the owner (setpriv): whatever the owner swaps in, chmod
 *   runs with the owner's rights.
 */
export function recurseScript(path: string, w: Attrs): string {
  const spec = w.owner !== undefined || w.group !== undefined ? ownerSpec(w.owner, w.group) : undefined;
  const chown = spec ? `chown -hPR -- ${quote(spec)} "$tsplay_p" || exit 1` : '';
  const chmod = (as: string): string =>
    w.mode === undefined ? '' : `${as}find -P "$tsplay_p" -depth ! -type l -exec chmod ${formatMode(w.mode)} {} + || exit 1`;
  const scan = [
    `tsplay_p=${quote(path)}`,
    safeCheckFunctions(w.owner),
    `tsplay_bad=$(find -P "$tsplay_p" -type d ! \\( \\( -uid 0 -o -uid "$tsplay_me" -o -uid "$tsplay_tu" \\) ! -perm -0002 ! \\( -perm -0020 ! -gid 0 \\) \\) -print -quit) || exit 1`,
    '[ -z "$tsplay_bad" ] || tsplay_refuse "$tsplay_bad"',
  ];
  const asOwner = 'setpriv --reuid="$tsplay_tu" --regid="$tsplay_tg" --init-groups -- ';
  const apply =
    w.owner !== undefined && w.mode !== undefined
      ? [
          'if [ "$tsplay_tu" -ne "$tsplay_me" ]; then',
          `  command -v setpriv >/dev/null 2>&1 || { echo "tsplay: setpriv (util-linux) is needed to change modes as the owner" >&2; tsplay_refuse "$tsplay_p"; }`,
          `  ${chown}`,
          `  ${chmod(asOwner)}`,
          'else',
          `  ${chmod('')}`,
          `  ${chown}`,
          'fi',
        ]
      : [chmod(''), chown].filter(Boolean);
  const check = safeRunScript({ path: `${path.replace(/\/+$/, '')}/.`, owner: w.owner }, ':');
  return `(\n${check}\n) && (\n${[...scan, ...apply].join('\n')}\n)`;
}

/** Check mode's view of the tree check: the UNSAFE_PATH the script would fail with, from the tree fact. */
export function unsafeTree(
  top: PathState & { path: string },
  tree: readonly TreeEntry[],
  me: Identity | undefined,
  w: Attrs,
): TsplayError | undefined {
  const users = new Set(['root', me?.user, w.owner]);
  const dirs = [{ ...top, type: 'dir' as const }, ...tree.filter((e) => e.type === 'dir')];
  for (const d of dirs) {
    const m = d.mode ?? 0;
    if (!users.has(d.owner) || (m & 0o002) !== 0 || ((m & 0o020) !== 0 && d.group !== 'root')) return unsafeTreeError(top.path, d.path);
  }
  return undefined;
}

/** The UNSAFE_PATH of a recursion refused because of directory `dir` (the field). */
export function unsafeTreeError(path: string, dir: string): TsplayError {
  return new TsplayError(
    'UNSAFE_PATH',
    `refusing to change owner/mode below ${path}: ${dir} can be changed by a user other than root and the owner`,
    {
      field: dir,
      hint: `make ${dir} root's (or the owner's) and not group/world-writable, or leave recurse off and change what you need path by path`,
    },
  );
}

/** What recursing would change below the path (the script, or none when nothing differs). */
export function recurseChanges(
  path: string,
  tree: TreeEntry[] | undefined,
  w: Attrs,
): { script: string; summary: string; predict: Record<string, PathState> } {
  const predict: Record<string, PathState> = {};
  if (!tree) return { script: '', summary: '', predict };
  for (const e of tree) {
    if (e.type === 'link') continue;
    const st: PathState = { exists: true, type: e.type, mode: e.mode, owner: e.owner, group: e.group };
    if (attrChanges(st, w).length > 0) predict[e.path] = withAttrs(st, w);
  }
  const n = Object.keys(predict).length;
  if (n === 0) return { script: '', summary: '', predict };
  return {
    script: recurseScript(path, w),
    summary: `would set ${describeWant(w)} on ${n} path${n === 1 ? '' : 's'} below ${path}`,
    predict,
  };
}

function describeWant(w: Attrs): string {
  return [w.mode !== undefined ? `mode ${formatMode(w.mode)}` : '', w.owner ? `owner ${w.owner}` : '', w.group ? `group ${w.group}` : '']
    .filter(Boolean)
    .join(', ');
}
