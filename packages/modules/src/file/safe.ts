import { attrChanges, safeAttrScript, safeMkdirScript, type Attrs, type PathState } from '../kit/index.js';

/**
 * The file module's writes go through core's safe write: every directory from `/` to the path is checked
 * (refused when a user other than root and the target owner can change one), and owner/mode are set by
 * name only where no one else can rename, as the owner when the directory is theirs.
 */

/** A safe-write script as one command of an `&&` chain (it ends in `exec`, so it runs in a subshell). */
const step = (script: string): string => `(\n${script}\n)`;

/** Owner/group/mode of an existing path (a link: `chown -h` only); '' when nothing differs. */
export function safeAttrs(path: string, have: PathState, w: Attrs): string {
  const changes = attrChanges(have, w);
  if (changes.length === 0) return '';
  const has = (a: string): boolean => changes.some((c) => c.attr === a);
  // The current owner stays the target owner when it does not change: a directory that is theirs is not refused.
  return step(safeAttrScript({ path, owner: has('owner') ? w.owner : have.owner, group: has('group') ? w.group : undefined, mode: has('mode') ? w.mode : undefined }));
}

/** Create an empty file (touch) with owner/group and `mode`. */
export function safeTouch(path: string, w: Attrs, mode: number): string {
  return step(safeAttrScript({ path, owner: w.owner, group: w.group, mode }, { create: true }));
}

/** `mkdir -p` with owner/group and `mode` on the last directory (0755 on the parents it makes). */
export function safeMkdir(path: string, w: Attrs, mode: number): string {
  return step(safeMkdirScript({ path, owner: w.owner, group: w.group, mode }));
}
