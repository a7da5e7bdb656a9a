import { randomBytes } from 'node:crypto';
import type { Connection, ExecResult } from './connection.js';
import { becomesRoot } from './become.js';
import { TsplayError } from './errors.js';
import { batchScript, splitBatch } from './batch.js';
import type { FactQuery, OverlayView } from './facts.js';
import type { SigCache } from './sigcache.js';

const norm = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
/** `p` is `dir` or below it. */
const within = (p: string, dir: string) => p === dir || p.startsWith(dir === '/' ? '/' : `${dir}/`);

/** A fact's answer about `path` may have changed with `changed`: the path itself, a directory above it, or (deep facts) below it. */
function stale(path: string, changed: readonly string[], shallow: boolean): boolean {
  const p = norm(path);
  return changed.some((c) => within(p, norm(c)) || (!shallow && within(norm(c), p)));
}

/**
 * Per-host cache of probed fact results, keyed by fact key. A change the runner cannot describe clears
 * it; a change it can (`forgetChanged`) drops only the answers that change may have made stale.
 */
export class FactCache {
  readonly values = new Map<string, unknown>();
  /** The query behind each answer (an answer set without one counts as reading anything). */
  private readonly queries = new Map<string, FactQuery>();
  /** Answers read ahead of read-only tasks (`markEarly`): they hold only while no apply runs before theirs. */
  private readonly early = new Set<string>();

  put(fact: FactQuery, value: unknown): void {
    this.values.set(fact.key, value);
    this.queries.set(fact.key, fact);
  }

  clear(): void {
    this.values.clear();
    this.queries.clear();
    this.early.clear();
  }

  /** This answer was read before the read-only tasks ahead of its own ran: an apply of any of them drops it. */
  markEarly(key: string): void {
    if (this.values.has(key)) this.early.add(key);
  }

  /** An apply runs (time passes, e.g. a wait): the answers read ahead of it no longer stand for later. */
  dropEarly(): void {
    for (const key of this.early) {
      this.values.delete(key);
      this.queries.delete(key);
    }
    this.early.clear();
  }

  /** Takes every answer of `other` (answers read later than this cache's). */
  absorb(other: FactCache): void {
    for (const [k, v] of other.values) {
      const q = other.queries.get(k);
      if (q) this.put(q, v);
      else this.values.set(k, v);
    }
  }

  /** A copy, to work out what a run of changes would leave without touching this one. */
  clone(): FactCache {
    const c = new FactCache();
    c.absorb(this);
    return c;
  }

  /**
   * After a real change of `changed` paths: keep an answer only while it holds. A fact that reads only
   * paths' own state (`statOf`) is stale when one of them or a directory above it changed; one that reads
   * `paths` also when something below one changed; a fact that does not say what it reads (a command, a
   * unit's state) is dropped.
   */
  forgetChanged(changed: readonly string[]): void {
    for (const key of [...this.values.keys()]) {
      const q = this.queries.get(key);
      const holds = q?.statOf
        ? !q.statOf.some((p) => stale(p, changed, true))
        : q?.paths !== undefined && !q.paths.some((p) => stale(p, changed, false));
      if (holds) continue;
      this.values.delete(key);
      this.queries.delete(key);
    }
  }
}

export interface GatherOptions {
  become: boolean | string;
  overlay?: OverlayView | undefined;
  cache?: FactCache | undefined;
  /** Workstation-side results of content-only facts, by file signature. */
  sigCache?: SigCache | undefined;
  signal?: AbortSignal | undefined;
}

/** Probe many facts in one exec per become level (one round trip), answering from overlay/cache first. */
export async function gatherFacts<F extends { [K in keyof F]: FactQuery<any> }>(
  conn: Connection,
  facts: F,
  opts: GatherOptions,
): Promise<{ [K in keyof F]: unknown }> {
  const out: Record<string, unknown> = {};
  const todo: { name: string; fact: FactQuery }[] = [];
  for (const [name, fact] of Object.entries(facts) as [string, FactQuery][]) {
    const known = answerWithoutProbe(fact, opts.overlay, opts.cache);
    if (known) out[name] = known.value;
    else todo.push({ name, fact });
  }
  if (todo.length > 0) {
    const sc = opts.sigCache;
    // the host's own index is read only where the probe runs as root (its directory is root's alone)
    const hostIds = todo.map((t) =>
      sc && t.fact.cacheBy?.length ? sc.hostEntry(t.fact.key, t.fact.script, runsAsRoot(t.fact, opts.become)) : undefined,
    );
    const facts = todo.map((t, i) =>
      sc && t.fact.cacheBy?.length
        ? {
            ...t.fact,
            script: sc.wrap(t.fact.key, t.fact.cacheBy, t.fact.script, hostIds[i]),
            sigPaths: t.fact.cacheBy,
            fastPath: sc.fastPath(t.fact.key, t.fact.cacheBy, hostIds[i]),
          }
        : t.fact,
    );
    const raw = await probe(conn, facts, opts.become);
    const results = raw.map((r, i) => {
      const f = todo[i]?.fact;
      return sc && f?.cacheBy?.length ? sc.unwrap(f.key, r, hostIds[i], conn.host) : r;
    });
    todo.forEach((t, i) => {
      const r = results[i] as ExecResult;
      let v: unknown;
      try {
        v = t.fact.parse(r);
      } catch (e) {
        throw new TsplayError('FACT_FAILED', `could not read fact ${t.name}: ${(e as Error).message}`, {
          host: conn.host,
          cause: e,
          hint: r.stderr.trim() ? `the probe said: ${r.stderr.trim().slice(0, 300)}` : undefined,
        });
      }
      out[t.name] = refined(t.fact, v, opts.overlay);
      opts.cache?.put(t.fact, v);
    });
  }
  return out as { [K in keyof F]: unknown };
}

/**
 * A fact's answer without a probe: the overlay's own (`fromOverlay`), else the cached host answer corrected by
 * the overlay; undefined when only the host can tell.
 */
export function answerWithoutProbe(
  fact: FactQuery,
  overlay: OverlayView | undefined,
  cache: FactCache | undefined,
): { value: unknown } | undefined {
  const own = overlay && fact.fromOverlay ? fact.fromOverlay(overlay) : undefined;
  if (own !== undefined) return { value: own };
  return cache?.values.has(fact.key) ? { value: refined(fact, cache.values.get(fact.key), overlay) } : undefined;
}

/** The host's answer corrected by the check overlay (`FactQuery.refine`); as it is outside check mode. */
function refined(fact: FactQuery, hostValue: unknown, overlay: OverlayView | undefined): unknown {
  return overlay && fact.refine ? fact.refine(overlay, hostValue) : hostValue;
}

/** The become level a fact runs at in `probe`: the batch's level, or root when only the fact needs it. */
function probeLevel(f: FactQuery, become: boolean | string): boolean | string {
  return f.become || become ? become || true : false;
}

/** Whether a fact runs as root in `probe` (an SSH user's own identity is not known here). */
function runsAsRoot(f: FactQuery, become: boolean | string): boolean {
  return becomesRoot(probeLevel(f, become));
}

/** Runs fact scripts batched: facts that need root in one `sudo` exec, the rest in a plain one. */
export async function probe(conn: Connection, facts: readonly FactQuery[], become: boolean | string): Promise<ExecResult[]> {
  const results: ExecResult[] = new Array(facts.length);
  const groups = new Map<string, number[]>();
  facts.forEach((f, i) => {
    // a fact answered on the workstation (its script does nothing) costs the host nothing
    if (f.script.trim() === ':') {
      results[i] = { stdout: '', stderr: '', code: 0 };
      return;
    }
    const level = probeLevel(f, become);
    const b = level === false ? '' : String(level);
    const g = groups.get(b) ?? [];
    g.push(i);
    groups.set(b, g);
  });
  await Promise.all(
    [...groups.entries()].map(async ([b, idx]) => {
      const nonce = `__tsplay_${randomBytes(6).toString('hex')}`;
      const list = idx.map((i) => facts[i] as FactQuery);
      const r = await conn.exec(batchScript(list, nonce), { become: b === '' ? false : b === 'true' ? true : b });
      const split = splitBatch(r.stdout, list, nonce);
      idx.forEach((i, j) => {
        results[i] = split[j] as ExecResult;
      });
    }),
  );
  return results;
}
