import { randomBytes } from 'node:crypto';
import type { Connection, ExecResult } from './connection.js';
import { TsplayError } from './errors.js';
import { batchScript, splitBatch } from './batch.js';
import type { FactQuery, OverlayView } from './facts.js';
import type { SigCache } from './sigcache.js';

/** Per-host cache of probed fact results, keyed by fact key; cleared when a task changes the host. */
export class FactCache {
  readonly values = new Map<string, unknown>();
  clear(): void {
    this.values.clear();
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
    const fromOverlay = opts.overlay && fact.fromOverlay ? fact.fromOverlay(opts.overlay) : undefined;
    if (fromOverlay !== undefined) out[name] = fromOverlay;
    else if (opts.cache?.values.has(fact.key)) out[name] = refined(fact, opts.cache.values.get(fact.key), opts.overlay);
    else todo.push({ name, fact });
  }
  if (todo.length > 0) {
    const sc = opts.sigCache;
    // the host's own index is read only where the probe runs as root (its directory is root's alone)
    const hostIds = todo.map((t) =>
      sc && t.fact.cacheBy?.length ? sc.hostEntry(t.fact.key, t.fact.script, runsAsRoot(t.fact, opts.become)) : undefined,
    );
    const facts = todo.map((t, i) =>
      sc && t.fact.cacheBy?.length ? { ...t.fact, script: sc.wrap(t.fact.key, t.fact.cacheBy, t.fact.script, hostIds[i]) } : t.fact,
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
      opts.cache?.values.set(t.fact.key, v);
    });
  }
  return out as { [K in keyof F]: unknown };
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
  const b = probeLevel(f, become);
  return b === true || b === 'root';
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
      const split = splitBatch(r.stdout, list.length, nonce);
      idx.forEach((i, j) => {
        results[i] = split[j] as ExecResult;
      });
    }),
  );
  return results;
}
