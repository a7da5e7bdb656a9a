import { writeSafetyFacts, type WriteSafetyFacts } from '../kit/write-safety.js';
import { quote, type PathState } from '@tsplay/core';
import { parsePathProbe, pathFact, unknownFact, type FactQuery } from '@tsplay/core/module';
import { defineFact, parseText, textScript } from '../kit/facts.js';
import { identityFact, type Identity } from './identity.js';
import { knownContent } from './known-content.js';
import { hostDirname } from './paths.js';

/**
 * Facts of a file whose content a task manages (copy, template): its state with sha256 and (unless
 * secret) its current text for --diff, read only when its sha256 differs from the wanted one; its parent directory.
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

/** dest's state with sha256 and, for the diff, its old text (`old`: see `destContentFact`). */
export type DestState = PathState & { old?: OldContent | undefined };

export type DestFacts = {
  dest: FactQuery<DestState>;
  parent: FactQuery<PathState>;
  /** The old text as a fact of its own (a hand-made DestFacts); `destFacts` puts it in `dest.old` instead. */
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

/**
 * The probe of dest: `pathScript`'s line with sha256 (one `sha256sum`, the shell strips its file name; one
 * `stat`), then, with `text`, `T` + base64 of a regular file of at most DIFF_MAX_BYTES whose sha256 is not
 * `sha256` (always when `sha256` is not known). A probe that sends text exits 3: the signature cache only
 * remembers exit-0 answers, so no file content lands in the host's index. Exported for tests.
 */
export function destContentScript(path: string, opts: { sha256?: string | undefined; text: boolean }): string {
  const p = quote(path);
  const link = `printf 'P|%s|%s|\\n' "$(stat -c '%F|%a|%U|%G|%s' -- ${p})" "$(readlink -- ${p})"`;
  const differs = opts.sha256 === undefined ? '' : `[ "$__h" != ${quote(opts.sha256)} ] && `;
  const text = opts.text ? ` && if ${differs}[ "\${__p%% *}" -le ${DIFF_MAX_BYTES} ]; then echo T; base64 < ${p}; exit 3; fi` : '';
  const file = `__h=$(sha256sum < ${p}); __h=\${__h%% *}; __p=$(stat -c "%s P|%F|%a|%U|%G|%s||$__h" -- ${p}) && printf '%s\\n' "\${__p#* }"${text}`;
  return `if [ -L ${p} ]; then ${link}; elif [ -f ${p} ]; then ${file}; elif [ -e ${p} ]; then stat -c 'P|%F|%a|%U|%G|%s||' -- ${p}; fi`;
}

/** Parse the output of `destContentScript`. Exported for tests. */
export function parseDestContent(out: string, text: boolean): DestState {
  const st = parsePathProbe(out);
  if (!text) return st;
  if (!st.exists || st.type !== 'file') return { ...st, old: { kind: 'absent' } };
  const t = out.indexOf('\nT\n');
  if (t >= 0) return { ...st, old: parseText(out.slice(t + 1)) };
  if ((st.size ?? 0) > DIFF_MAX_BYTES) return { ...st, old: { kind: 'large', size: st.size ?? 0 } };
  return st;
}

/**
 * dest's state with sha256 and, unless `secret`, its old text for the diff, in one probe: the text is only
 * sent when dest's sha256 differs from `sha256` (the wanted content's, when known), so an unchanged file
 * costs one hash (none when the signature cache knows it) and no read.
 */
export function destContentFact(path: string, opts: { sha256?: string | undefined; secret: boolean }): FactQuery<DestState> {
  const text = !opts.secret;
  // a secret's sha256 is never put in a key or a script (it may be the hash of a guessable secret)
  const sha256 = text ? opts.sha256 : undefined;
  return {
    key: `kit.destContent(${JSON.stringify([path, sha256 ?? null, text])})`,
    paths: [path],
    statOf: [path],
    cacheBy: [path],
    script: destContentScript(path, { sha256, text }),
    parse: (r) => parseDestContent(r.stdout, text),
    fromOverlay: (o) => {
      const why = o.unknown(path);
      if (why !== undefined) return unknownFact(why);
      const st = o.path(path);
      if (!st || !text) return st;
      const known = knownContent(st.sha256);
      const old: OldContent = known !== undefined ? { kind: 'text', text: known } : st.exists ? { kind: 'unknown' } : { kind: 'absent' };
      return { ...st, old };
    },
  };
}

/** Facts for writing `dest`; the old content is only read when the file is not secret and (`sha256`: the wanted content's) differs. */
export function destFacts(dest: string, opts: { secret: boolean; become: boolean | string; sha256?: string | undefined }): DestFacts {
  return {
    dest: destContentFact(dest, opts),
    parent: pathFact(hostDirname(dest)),
    me: identityFact(opts.become),
    ...writeSafetyFacts(dest, opts),
  };
}
