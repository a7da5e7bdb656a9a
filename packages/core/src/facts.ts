import type { ExecResult, PathState, PathType } from './connection.js';
import { wrapCommand } from './become.js';
import { quote, sh } from './sh.js';
import { unitShowRead, type UnitShow } from './unit-batch.js';

/**
 * A fact is a read-only probe: a shell snippet and a pure parser (pyinfra's fact).
 * The runner batches the facts of a host into one exec and answers facts about
 * predicted paths/units from the check-mode overlay.
 */
export interface UnitState {
  /** `loaded`, `not-found`, ... */
  load: string;
  /** `active`, `inactive`, `failed`, `activating`, ... */
  active: string;
  sub: string;
  /** `enabled`, `disabled`, `static`, ... ('' when unknown) */
  enabled: string;
  fragmentPath: string;
  needDaemonReload: boolean;
}

export interface OverlayView {
  path(path: string): PathState | undefined;
  unit(name: string): Partial<UnitState> | undefined;
  /** True when an earlier task in this check run is predicted to change `path` (or anything under it). */
  touches(path: string): boolean;
  /**
   * Why `path` (or anything under it) cannot be predicted exactly in this check run, e.g.
   * "depends on run build, which would change /opt/app": an earlier task would change it in a way
   * the overlay cannot describe. Undefined when the overlay knows (or the host is the truth).
   */
  unknown(path: string): string | undefined;
}

/**
 * A fact's answer in check mode when it depends on state that an earlier task would change and the
 * overlay cannot describe exactly. A task with an unknown fact is reported `unknown` (never failed).
 */
export class UnknownFact {
  readonly kind = 'tsplay-unknown';
  constructor(readonly reason: string) {}
}

export function unknownFact(reason: string): UnknownFact {
  return new UnknownFact(reason);
}

export function isUnknownFact(v: unknown): v is UnknownFact {
  return v instanceof UnknownFact || (typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'tsplay-unknown');
}

interface FactBase<T> {
  /** Needs root to read (runs in the become batch). */
  become?: boolean | undefined;
  /**
   * Answer from the overlay instead of the host, when the overlay knows (check mode). Return
   * `unknownFact(reason)` when an earlier task would change what this fact reads in a way the
   * overlay cannot describe (`o.unknown(path)`); undefined to probe the host.
   */
  fromOverlay?: ((o: OverlayView) => T | UnknownFact | undefined) | undefined;
  /**
   * Check mode: correct the host's answer (probed or cached) with what the overlay predicts, for a fact
   * that reads several paths of which earlier tasks would change only some (see `dirChainFact`).
   */
  refine?(o: OverlayView, hostValue: T): T | UnknownFact;
  /** Shell snippet; its stdout/stderr/exit code go to `parse`. */
  script: string;
  parse(r: ExecResult): T;
  /** Cache key: equal keys on one host share one probe. */
  key: string;
  /**
   * The result depends only on the content of these files: the runner may answer it from the
   * workstation's signature cache while their stat signature is unchanged (see SigCache).
   */
  cacheBy?: readonly string[] | undefined;
  /**
   * The script is `pathScript(statPath, false)`: a batched probe may answer this fact, with the others that
   * say so, from one shared `stat` (see stat-batch.ts) instead of a subshell and a `stat` of its own.
   */
  statPath?: string | undefined;
  /**
   * The script reads this unit's `systemctl show` through `unitShowRead`: a batch with two or more such facts
   * of one unit runs the show once for all of them (unit-batch.ts).
   */
  unitShow?: UnitShow | undefined;
  /** The script is `dirChainScript(dirChain)`: a batch reads the directories of all such facts with one `stat` (dir-batch.ts). */
  dirChain?: readonly string[] | undefined;
  /** Set by SigCache.wrap: the paths whose stat signature the wrapped script reads (a batch reads them all at once, sig-batch.ts). */
  sigPaths?: readonly string[] | undefined;
  /**
   * Shell code of builtins only that, where it can, prints exactly the stdout the script would print (its stderr
   * empty, its exit code 0) and sets `__q`; else it prints nothing and sets no `__q`. A batch runs it in its own
   * shell before the script's subshell, which then runs only where `__q` stays empty (batch.ts). Set by
   * SigCache.wrap's caller (a known signature) and by `dirChainFact` (the batch's shared directory stat).
   */
  fastPath?: string | undefined;
  /**
   * The host paths this fact reads. When check mode cannot predict a task, these become unknown to
   * later tasks (the task may change them), so nothing downstream plans against stale state.
   */
  paths?: readonly string[] | undefined;
  /**
   * Real runs: the fact reads nothing but these paths' own state (their stat, a file's content), not what
   * is below them. Its answer holds until one of them, or a directory above one, changes (a file made in a
   * directory it stats leaves it valid). Without it, `paths` decide (a change at, above or below one).
   */
  statOf?: readonly string[] | undefined;
}

export type FactQuery<T = unknown> = FactBase<T>;

/** The fact says what it reads (`paths` or `statOf`): a change elsewhere leaves its answer standing. */
export const namesWhatItReads = (f: FactQuery): boolean => f.paths !== undefined || f.statOf !== undefined;
export type FactValue<F> = F extends FactQuery<infer T> ? T : never;
export type FactValues<F extends { [K in keyof F]: FactQuery<any> }> = { [K in keyof F]: FactValue<F[K]> };

const TYPE_MAP: Record<string, PathType> = {
  'regular file': 'file',
  'regular empty file': 'file',
  directory: 'dir',
  'symbolic link': 'link',
};

/** Parse the output of the path probe (see `pathScript`). Exported for tests. */
export function parsePathProbe(out: string): PathState {
  const line = out.split('\n').find((l) => l.startsWith('P|'));
  if (!line) return { exists: false };
  // a link's target may itself contain '|': it is everything between size and the last field (the hash)
  const [, type, mode, owner, group, size, ...rest] = line.split('|');
  const hash = rest.length > 1 ? rest.pop() : undefined;
  const target = rest.join('|');
  const t = TYPE_MAP[type ?? ''] ?? 'other';
  const st: PathState = {
    exists: true,
    type: t,
    mode: parseInt(mode ?? '0', 8),
    owner: owner ?? '',
    group: group ?? '',
    size: Number(size ?? 0),
  };
  if (t === 'link' && target) st.target = target;
  if (hash) st.sha256 = hash;
  return st;
}

/**
 * The probe of one path: one `P|type|mode|owner|group|size|target|sha256` line, nothing when absent.
 * A plain path costs one `stat` and no subshell (a probe has many of these, on every host); a link
 * adds its target, a regular file with `hash` one `sha256sum` (its name stripped by the shell, not `cut`)
 * whose hex the same `stat` prints.
 */
export function pathScript(path: string, hash: boolean): string {
  const p = quote(path);
  const st = `stat -c '%F|%a|%U|%G|%s' -- ${p}`;
  const link = `printf 'P|%s|%s|\\n' "$(${st})" "$(readlink -- ${p})"`;
  const plain = hash
    ? `if [ -f ${p} ]; then __h=$(sha256sum < ${p}); stat -c "P|%F|%a|%U|%G|%s||\${__h%% *}" -- ${p}; else stat -c 'P|%F|%a|%U|%G|%s||' -- ${p}; fi`
    : `stat -c 'P|%F|%a|%U|%G|%s||' -- ${p}`;
  return `if [ -L ${p} ]; then ${link}; elif [ -e ${p} ]; then ${plain}; fi`;
}

/** What is at `path` (type, mode, owner, size and, with `hash`, sha256). */
export function pathFact(path: string, opts: { hash?: boolean; become?: boolean } = {}): FactQuery<PathState> {
  const hash = opts.hash ?? false;
  return {
    key: `path:${hash ? 'h' : ''}:${path}`,
    become: opts.become,
    paths: [path],
    statOf: [path],
    script: pathScript(path, hash),
    parse: (r) => parsePathProbe(r.stdout),
    cacheBy: hash ? [path] : undefined,
    statPath: hash ? undefined : path,
    fromOverlay: (o) => {
      const why = o.unknown(path);
      if (why !== undefined) return unknownFact(why);
      const s = o.path(path);
      if (!s) return undefined;
      return hash || !s.exists ? s : { ...s };
    },
  };
}

export function parseUnitShow(out: string): UnitState {
  const kv = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1));
  }
  return {
    load: kv.get('LoadState') ?? 'not-found',
    active: kv.get('ActiveState') ?? 'inactive',
    sub: kv.get('SubState') ?? '',
    enabled: kv.get('UnitFileState') ?? '',
    fragmentPath: kv.get('FragmentPath') ?? '',
    needDaemonReload: kv.get('NeedDaemonReload') === 'yes',
  };
}

const UNIT_PROPS = ['LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'FragmentPath', 'NeedDaemonReload'] as const;

/** The systemd state of a unit (its `systemctl show`, shared with the batch's other readers of the unit). */
export function unitFact(name: string): FactQuery<UnitState> {
  return {
    key: `unit:${name}`,
    script: `${unitShowRead(name, UNIT_PROPS, '__u')}\nprintf '%s\\n' "$__u"`,
    unitShow: { unit: name, props: UNIT_PROPS },
    parse: (r) => parseUnitShow(r.stdout),
  };
}

/** A custom probe: any read-only snippet plus a parser. */
export function commandFact<T>(
  key: string,
  script: string,
  parse: (r: ExecResult) => T,
  opts: {
    become?: boolean;
    fromOverlay?: (o: OverlayView) => T | UnknownFact | undefined;
    cacheBy?: readonly string[];
    /** Builtins that answer the common case in the probe's own shell (FactQuery.fastPath); not with `cacheBy`. */
    fastPath?: string;
    /** The unit whose `systemctl show` the script reads through `unitShowRead` (FactQuery.unitShow). */
    unitShow?: UnitShow;
  } = {},
): FactQuery<T> {
  if (opts.fastPath !== undefined && opts.cacheBy !== undefined)
    throw new Error(`fact cmd:${key}: a fact answered from the signature cache has that cache's fast path, not its own`);
  return {
    key: `cmd:${key}`,
    script,
    parse,
    become: opts.become,
    fromOverlay: opts.fromOverlay,
    cacheBy: opts.cacheBy,
    ...(opts.fastPath === undefined ? {} : { fastPath: opts.fastPath }),
    ...(opts.unitShow === undefined ? {} : { unitShow: opts.unitShow }),
  };
}

/**
 * A read-only command run as a fact: its exit code, stdout and stderr, probed in the host's batched
 * exec like any other fact (so a probe task needs no round trip of its own). `cwd` and `env` are
 * applied as a direct exec applies them; the key names the become level, so root's answer is never
 * reused for another user.
 */
export function execFact(
  command: string,
  opts: {
    become: boolean | string;
    cwd?: string | undefined;
    env?: Record<string, string> | undefined;
    paths?: readonly string[] | undefined;
  },
): FactQuery<ExecResult> {
  const script = wrapCommand(command, { cwd: opts.cwd, env: opts.env });
  return {
    key: `exec:${String(opts.become)}:${script}`,
    script,
    parse: (r) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr }),
    paths: opts.paths,
  };
}
