import type { PathState } from './connection.js';
import { unknownFact, type FactQuery, type OverlayView, type UnknownFact } from './facts.js';
import { dirSafetyScript, parseDirSafety, type DirSafety } from './safe-write.js';

/**
 * Check mode's view of the safe write's directory check (see safe-write.ts) for ONE directory: the host
 * answers with the scripts' own shell check (`dirSafetyScript`, one `stat`); a directory an earlier task
 * of the run would make or change is judged from its predicted owner and mode.
 */
export function dirSafetyFact(dir: string, opts: { root: boolean }): FactQuery<DirSafety> {
  return {
    key: `dirsafe:${opts.root ? 'root' : 'user'}:${dir}`,
    become: opts.root,
    script: dirSafetyScript(dir),
    parse: (r) => parseDirSafety(r.stdout),
    fromOverlay: (o) => dirSafetyFromOverlay(o, dir, opts),
  };
}

/** The verdict on a directory an earlier task would make or change; undefined when the host is the truth. */
export function dirSafetyFromOverlay(o: OverlayView, dir: string, opts: { root: boolean }): DirSafety | UnknownFact | undefined {
  const why = o.unknown(dir);
  if (why !== undefined) return unknownFact(why);
  const s = o.path(dir);
  if (!s) return undefined;
  return judgePredictedDir(s, dir, opts);
}

/**
 * The check of the scripts applied to a predicted directory (owner and group by name: an owner not
 * predicted is the writer, root when `root`; a mode not predicted is mkdir's 0755).
 */
export function judgePredictedDir(s: PathState, dir: string, opts: { root: boolean }): DirSafety | UnknownFact {
  if (!s.exists) return 'missing';
  if (s.type === 'link') return unknownFact(`${dir} would be a symlink: its target's owner is not predicted`);
  if (s.type !== 'dir') return 'missing';
  const mode = s.mode ?? 0o755;
  if ((mode & 0o1000) === 0) {
    if (mode & 0o002) return 'refuse';
    if (mode & 0o020 && s.group !== undefined && s.group !== 'root') return 'refuse';
  }
  if (s.owner === undefined || s.owner === 'root') return 'ok';
  if (!opts.root) return unknownFact(`${dir} would be owned by ${s.owner}: whether that is the login user is not known in check mode`);
  return `owner:${s.owner}`;
}
