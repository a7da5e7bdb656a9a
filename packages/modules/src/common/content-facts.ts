import { commandFact, pathFact, type FactQuery, type PathState } from '@tsplay/core';
import { quote } from '@tsplay/core';
import { identityFact, type Identity } from './identity.js';
import { hostDirname } from './paths.js';

/**
 * Facts of a file whose content a task manages (copy, template): its state with sha256,
 * its parent directory, and (unless secret) its current text for --diff.
 */
export type OldContent =
  | { kind: 'absent' }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; size: number }
  | { kind: 'large'; size: number }
  /** An earlier task in this check run is predicted to write it: its content is not known here. */
  | { kind: 'unknown' };

/** Files above this size are not fetched for the diff. */
export const DIFF_MAX_BYTES = 256 * 1024;

export type DestFacts = {
  dest: FactQuery<PathState>;
  parent: FactQuery<PathState>;
  old?: FactQuery<OldContent>;
  /** Who a new file belongs to (for the prediction). */
  me: FactQuery<Identity>;
};

/** Parse the output of `oldContentScript`. Exported for tests. */
export function parseOldContent(out: string): OldContent {
  const nl = out.indexOf('\n');
  const head = nl < 0 ? out.trim() : out.slice(0, nl).trim();
  if (head === 'T') {
    const buf = Buffer.from(out.slice(nl + 1).trim(), 'base64');
    return buf.includes(0) ? { kind: 'binary', size: buf.length } : { kind: 'text', text: buf.toString('utf8') };
  }
  if (head.startsWith('L ')) return { kind: 'large', size: Number(head.slice(2)) };
  return { kind: 'absent' };
}

export function oldContentScript(path: string): string {
  const p = quote(path);
  return `if [ -f ${p} ] && [ ! -L ${p} ]; then __s=$(stat -c %s -- ${p}); if [ "$__s" -le ${DIFF_MAX_BYTES} ]; then echo T; base64 < ${p} | tr -d '\\n'; echo; else echo "L $__s"; fi; else echo A; fi`;
}

export function oldContentFact(path: string): FactQuery<OldContent> {
  return commandFact(`content:${path}`, oldContentScript(path), (r) => parseOldContent(r.stdout), {
    fromOverlay: (o) => {
      const st = o.path(path);
      if (!st) return undefined;
      return st.exists ? { kind: 'unknown' } : { kind: 'absent' };
    },
  });
}

/** Facts for writing `dest`; the old content is only read when the file is not secret. */
export function destFacts(dest: string, opts: { secret: boolean; become: boolean | string }): DestFacts {
  const f: DestFacts = { dest: pathFact(dest, { hash: true }), parent: pathFact(hostDirname(dest)), me: identityFact(opts.become) };
  if (!opts.secret) f.old = oldContentFact(dest);
  return f;
}
