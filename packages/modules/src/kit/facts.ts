import { quote, type ExecResult } from '@tsplay/core';
import { pathScript } from '@tsplay/core/transport';
import { unknownFact, type FactQuery, type OverlayView, type UnknownFact } from '@tsplay/core/module';
import { knownContent } from '../common/known-content.js';

export interface FactSpec<P extends readonly unknown[], T> {
  /** The module (or package) the fact belongs to: keys are namespaced by it, so no two modules collide. */
  module: string;
  name: string;
  /** The read-only shell snippet (build it with `sh`). */
  script: (...params: P) => string;
  /** Pure parser of the snippet's output. */
  parse: (r: ExecResult, ...params: P) => T;
  /** Needs root to read (runs in the become batch). */
  become?: boolean | ((...params: P) => boolean);
  /**
   * What of the params names the answer, when not all of them (default: all). The key is
   * `module.name(JSON of it)`: a param the parse closes over but that does not change the answer
   * (a memoized local probe) can stay out of it.
   */
  id?: (...params: P) => unknown;
  /** The answer depends only on the content of these files: the runner may answer it from its signature cache. */
  cacheBy?: (...params: P) => readonly string[] | undefined;
  /** Host paths the fact reads: when check mode cannot predict a task, later tasks see them as unknown. */
  paths?: (...params: P) => readonly string[] | undefined;
  /**
   * Real runs: the fact reads only these paths' own state (or an account's entry, `tsplay:user/NAME`): its
   * answer holds across changes to anything else (see `FactQuery.statOf`).
   */
  statOf?: (...params: P) => readonly string[] | undefined;
  /**
   * Paths the probe reads. In check mode, when an earlier task would change one of them, the fact
   * answers `unknown` (unless `fromOverlay` answers from the predicted state first).
   */
  reads?: (...params: P) => readonly string[];
  /** Answer from the check overlay (predicted state), or undefined to fall back to `reads`/the host. */
  fromOverlay?: (o: OverlayView, ...params: P) => T | UnknownFact | undefined;
  /**
   * The script is `pathScript(path, false)` of this path (checked when the fact is made): a probe answers it,
   * with the other plain path facts, from one shared `stat` instead of a subshell and a `stat` of its own.
   */
  statPath?: (...params: P) => string;
  /**
   * Shell builtins that print exactly what the script prints (no stderr, exit 0) and set `__q`, or print nothing
   * and leave `__q` unset: a probe runs them in its own shell and starts the script's subshell only when they do
   * not answer (`FactQuery.fastPath`). They set `__q` only to answer, never read stdin or exit, and set no other
   * variable of the batch's (`__r`, `__c`, `__e`, `__s`, `__sg_*`, `__sd_*`, `__su_*`, `tsplay_*`): name yours
   * `__f_*`. Not with `cacheBy`, whose cache has its own.
   */
  fastPath?: (...params: P) => string | undefined;
}

/**
 * Define a fact: a command plus a pure parser, keyed `module.name(params)` so authors need no
 * hand-made unique strings. Returns a function of the fact's parameters.
 */
export function defineFact<P extends readonly unknown[], T>(spec: FactSpec<P, T>): (...params: P) => FactQuery<T> {
  return (...params) => ({
    key: `${spec.module}.${spec.name}(${JSON.stringify(spec.id ? spec.id(...params) : params)})`,
    become: typeof spec.become === 'function' ? spec.become(...params) : spec.become,
    cacheBy: spec.cacheBy?.(...params),
    paths: spec.paths?.(...params),
    statOf: spec.statOf?.(...params),
    ...plainPath(spec, params),
    ...ownFastPath(spec, params),
    parse: (r) => spec.parse(r, ...params),
    fromOverlay: (o) => {
      const answer = spec.fromOverlay?.(o, ...params);
      if (answer !== undefined) return answer;
      for (const p of spec.reads?.(...params) ?? []) {
        const why = o.unknown(p) ?? (o.touches(p) ? `an earlier task would change ${p}` : undefined);
        if (why !== undefined) return unknownFact(why);
      }
      return undefined;
    },
  });
}

/** The fact's own fast path, when it declares one (never beside `cacheBy`, whose cache brings its own). */
function ownFastPath<P extends readonly unknown[], T>(spec: FactSpec<P, T>, params: P): { fastPath?: string } {
  const fastPath = spec.fastPath?.(...params);
  if (fastPath === undefined) return {};
  if (spec.cacheBy?.(...params) !== undefined)
    throw new Error(`fact ${spec.module}.${spec.name}: a fact answered from the signature cache has that cache's fast path, not its own`);
  return { fastPath };
}

/** The fact's script, and its `statPath` when it declares one (which must be what that script reads). */
function plainPath<P extends readonly unknown[], T>(spec: FactSpec<P, T>, params: P): { script: string; statPath?: string } {
  const script = spec.script(...params);
  const statPath = spec.statPath?.(...params);
  if (statPath === undefined) return { script };
  if (script !== pathScript(statPath, false))
    throw new Error(`fact ${spec.module}.${spec.name}: a statPath fact's script must be pathScript(statPath, false)`);
  return { script, statPath };
}

/** The content of a file as a fact. */
export type TextContent =
  | { kind: 'absent' }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; size: number }
  | { kind: 'large'; size: number };

/** Files above this size are not read as text. */
export const TEXT_MAX_BYTES = 1024 * 1024;

/** Parse the output of the text probe. Exported for tests. */
export function parseText(out: string): TextContent {
  const nl = out.indexOf('\n');
  const head = nl < 0 ? out.trim() : out.slice(0, nl).trim();
  if (head === 'T') {
    // base64 as `base64` wraps it (76 columns): the line breaks are dropped here, not by a `tr` on the host
    const buf = Buffer.from(out.slice(nl + 1).replace(/\s+/g, ''), 'base64');
    return buf.includes(0) ? { kind: 'binary', size: buf.length } : { kind: 'text', text: buf.toString('utf8') };
  }
  if (head.startsWith('L ')) return { kind: 'large', size: Number(head.slice(2)) };
  return { kind: 'absent' };
}

/** The text probe: `T` + base64 of a regular file up to `max` bytes, `L size` above, `A` when there is none. */
export function textScript(path: string, max: number): string {
  const p = quote(path);
  return `if [ -f ${p} ] && [ ! -L ${p} ]; then __s=$(stat -c %s -- ${p}); if [ "$__s" -le ${max} ]; then echo T; base64 < ${p}; else echo "L $__s"; fi; else echo A; fi`;
}

/** The text at `path` in check mode's predicted state: known, absent, or unknown (with the reason). */
export function textFromOverlay(o: OverlayView, path: string): TextContent | UnknownFact | undefined {
  const why = o.unknown(path);
  if (why !== undefined) return unknownFact(why);
  const st = o.path(path);
  if (!st) return undefined;
  if (!st.exists) return { kind: 'absent' };
  const text = knownContent(st.sha256);
  return text !== undefined ? { kind: 'text', text } : unknownFact(`an earlier task would change ${path} and its new content is not known`);
}

/**
 * The text of a file (absent, text, binary, or too large), answered from the check overlay when an
 * earlier task predicted the file's content (exact when that content is known, else unknown).
 */
export const textFact = defineFact({
  module: 'kit',
  name: 'text',
  script: (path: string, max: number = TEXT_MAX_BYTES) => textScript(path, max),
  parse: (r) => parseText(r.stdout),
  fromOverlay: (o, path) => textFromOverlay(o, path),
});
