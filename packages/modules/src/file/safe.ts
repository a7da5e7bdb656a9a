import { attrChanges, quote, safeAttrScript, safeMkdirScript, safeRunScript, type Attrs, type PathState } from '../kit/index.js';

/**
 * The file module's writes go through core's safe write: every directory from `/` to the path is checked
 * (refused when a user other than root and the target owner can change one), and owner/mode are set by
 * name only where no one else can rename, as the owner when the directory is theirs. Removal and links run by
 * name in the checked directory too (`safeRunScript`), so a symlink planted on the way cannot send them elsewhere.
 */

/** A safe-write script as one command of an `&&` chain (it ends in `exec`, so it runs in a subshell). */
const step = (script: string): string => `(\n${script}\n)`;

/** Owner/group/mode of an existing path (a link: `chown -h` only); '' when nothing differs. */
export function safeAttrs(path: string, have: PathState, w: Attrs): string {
  const changes = attrChanges(have, w);
  if (changes.length === 0) return '';
  const has = (a: string): boolean => changes.some((c) => c.attr === a);
  // The current owner stays the target owner when it does not change: a directory that is theirs is not refused.
  return step(
    safeAttrScript({
      path,
      owner: has('owner') ? w.owner : have.owner,
      group: has('group') ? w.group : undefined,
      mode: has('mode') ? w.mode : undefined,
    }),
  );
}

/** Create an empty file (touch) with owner/group and `mode`. */
export function safeTouch(path: string, w: Attrs, mode: number): string {
  return step(safeAttrScript({ path, owner: w.owner, group: w.group, mode }, { create: true }));
}

/** `mkdir -p` with owner/group and `mode` on the last directory (0755 on the parents it makes). */
export function safeMkdir(path: string, w: Attrs, mode: number): string {
  return step(safeMkdirScript({ path, owner: w.owner, group: w.group, mode }));
}

/** `rm -rf` of the path by name in its checked directory, as `owner` (the path's) when that directory is theirs. */
export function safeRemove(path: string, owner: string | undefined): string {
  return step(safeRunScript({ path, owner }, 'rm -rf -- "$tsplay_dst"'));
}

/**
 * A symbolic link to `src` at the path, by name in its checked directory (as `owner` when the directory is
 * theirs): made there, or with `replace` made beside it and renamed over what is there.
 */
export function safeLink(path: string, src: string, owner: string | undefined, replace: boolean): string {
  const body = replace
    ? [
        'tsplay_l="$TSPLAY_DIR/.$TSPLAY_NAME.tsplay-link"',
        `rm -f -- "$tsplay_l" && ln -s -- ${quote(src)} "$tsplay_l" && mv -fT -- "$tsplay_l" "$tsplay_dst"`,
      ].join('\n')
    : `ln -s -- ${quote(src)} "$tsplay_dst"`;
  return step(safeRunScript({ path, owner }, body));
}
