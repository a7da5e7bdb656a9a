import type { Connection } from '../connection.js';
import type { FactQuery } from '../facts.js';
import { gatherFacts, type FactCache } from '../gather.js';
import type { Inventory, ResolvedHost } from '../inventory/schema.js';
import type { Play } from '../playbook.js';
import type { SigCache } from '../sigcache.js';
import { makeContext, type HostResults } from './context.js';
import { taskSelected } from './select-tasks.js';

export interface PrefetchHost {
  host: ResolvedHost;
  conn: Connection;
  vars: unknown;
  results: HostResults;
  cache: FactCache;
  sigCache: SigCache;
}

/**
 * The fast path: before the first task of a play, the facts of every selected task whose args
 * can already be built are probed in one batched exec per host, into the host's fact cache; each
 * task then plans from the cache (a task that changes the host clears it). Args that depend on
 * earlier results throw or fail validation here and are simply probed when their task runs.
 */
export async function prefetchFacts(
  play: Play,
  h: PrefetchHost,
  opts: { inventory: Inventory; check: boolean; tags?: readonly string[] | undefined; skipTags?: readonly string[] | undefined; baseDir: string },
): Promise<void> {
  const playBecome = play.become ?? h.host.become ?? false;
  const facts: Record<string, FactQuery> = {};
  const seen = new Set<string>();
  for (const t of play.tasks) {
    if (!taskSelected(t, opts.tags, opts.skipTags)) continue;
    const become = t.become ?? playBecome;
    if (become !== playBecome) continue;
    try {
      const raw = typeof t.args === 'function' ? t.args(makeContext(opts.inventory, h.host, h.vars, h.results, opts.check, false)) : t.args;
      const parsed = t.module.args.safeParse(raw);
      if (!parsed.success) continue;
      const fq = t.module.facts(parsed.data, { host: h.host.name, check: opts.check, become, baseDir: opts.baseDir });
      for (const [k, f] of Object.entries(fq) as [string, FactQuery][]) {
        if (seen.has(f.key)) continue;
        seen.add(f.key);
        facts[`${t.id}/${k}`] = f;
      }
    } catch {
      /* args that depend on earlier results are probed when their task runs */
    }
  }
  if (Object.keys(facts).length === 0) return;
  try {
    await gatherFacts(h.conn, facts, { become: playBecome, cache: h.cache, sigCache: h.sigCache });
  } catch {
    /* a failing prefetch is retried per task, where its error is reported with the task */
  }
}
