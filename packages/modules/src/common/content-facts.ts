import { writeSafetyFacts, type WriteSafetyFacts } from '../kit/write-safety.js';
import type { PathState } from '@tsplay/core';
import { pathFact, type FactQuery } from '@tsplay/core/module';
import { defineFact, parseText, textScript } from '../kit/facts.js';
import { identityFact, type Identity } from './identity.js';
import { knownContent } from './known-content.js';
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
} & WriteSafetyFacts;

/** Parse the output of `oldContentScript`. Exported for tests. */
export const parseOldContent = (out: string): OldContent => parseText(out);

export const oldContentScript = (path: string): string => textScript(path, DIFF_MAX_BYTES);

/** The text of a file a task replaces, for the diff; `unknown` when an earlier task writes what check mode cannot know. */
export const oldContentFact: (path: string) => FactQuery<OldContent> = defineFact({
  module: 'kit',
  name: 'oldContent',
  script: (path: string) => oldContentScript(path),
  parse: (r): OldContent => parseOldContent(r.stdout),
  fromOverlay: (o, path) => {
    const st = o.path(path);
    if (!st) return undefined;
    const text = knownContent(st.sha256);
    if (text !== undefined) return { kind: 'text', text };
    return st.exists ? { kind: 'unknown' } : { kind: 'absent' };
  },
});

/** Facts for writing `dest`; the old content is only read when the file is not secret. */
export function destFacts(dest: string, opts: { secret: boolean; become: boolean | string }): DestFacts {
  const f: DestFacts = {
    dest: pathFact(dest, { hash: true }),
    parent: pathFact(hostDirname(dest)),
    me: identityFact(opts.become),
    ...writeSafetyFacts(dest, opts),
  };
  if (!opts.secret) f.old = oldContentFact(dest);
  return f;
}
