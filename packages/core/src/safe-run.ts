import { parentLines, pathLines, prelude, runBody, type SafeWriteTarget } from './safe-write.js';

/**
 * What is neither a write nor owner/mode, by name in a checked directory: removing a path, making a link.
 * The directory holding `target.path` and every one above it are checked as for a write (see safe-write.ts);
 * `body` (sh; it sees TSPLAY_DIR, TSPLAY_NAME and "$tsplay_dst", the path inside the physical directory) then
 * runs as root/the login user, or as `target.owner` when a directory on the way is that owner's.
 */
export function safeRunScript(target: Pick<SafeWriteTarget, 'path' | 'owner'>, body: string): string {
  return [
    ...pathLines(target.path),
    ...prelude(target),
    ...parentLines(),
    ...runBody(['umask 022', 'tsplay_dst="$TSPLAY_DIR/$TSPLAY_NAME"', body].join('\n')),
  ].join('\n');
}

/**
 * The directory check as shell functions, for directories a script only finds on the host (a tree, an
 * archive's directories): `tsplay_check DIR` (DIR physical: it and every directory above it) and
 * `tsplay_check1 DIR` exit UNSAFE_PATH_EXIT with `tsplay-unsafe-path: DIR` on stderr (`tsplay_refuse DIR`)
 * for a directory that someone other than root, the login user and `owner` can change, and set tsplay_as=1
 * for one that is `owner`'s. Sets tsplay_me (the login uid), tsplay_tu and tsplay_tg (the target owner's
 * uid and gid; the login's without `owner`).
 */
export function safeCheckFunctions(owner?: string): string {
  return prelude({ owner }).join('\n');
}
