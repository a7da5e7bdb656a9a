import type { Connection, ExecResult } from '../connection.js';
import { becomesRoot } from '../become.js';
import { namesWhatItReads, type FactQuery } from '../facts.js';
import { FactCache, gatherFacts } from '../gather.js';
import type { ApplyStep } from '../module.js';
import { splitSteps, stepsScript, stepsStdin } from '../step.js';
import type { RunEnv } from './env.js';
import type { HostRun } from './host-run.js';
import type { PlannedPlay } from './plan-types.js';
import { tasksAhead } from './prefetch.js';
import { becomeLevel } from './resolve.js';
import type { BatchInfo } from './resolve-at-run.js';

/** The facts an exec of steps probes after them, and those of them that hold only until the next apply. */
export interface AfterFacts {
  facts: Record<string, FactQuery>;
  /** Keys of the facts that name no path: read ahead of their read-only tasks (`FactCache.markEarly`). */
  early: readonly string[];
}

/**
 * The facts of the play's tasks from `from` on that a group of steps leaves unknown (`known`: the cache as
 * the group's changes leave it) and that the group's exec can probe after its steps: those that name what
 * they read (as `probeAhead` takes), and, as `probeAhead` takes them too, those of the read-only tasks right
 * after the group (nothing runs on the host between its last step and them: e.g. a command's check, which
 * no change can leave known), at the exec's become level. Empty when the group runs at another level than
 * the play's probes.
 */
export function factsAfter(
  env: RunEnv,
  play: PlannedPlay,
  run: HostRun,
  batch: BatchInfo,
  from: number,
  known: FactCache,
  become: { become: boolean | string; method: string | undefined },
): AfterFacts {
  const level = becomeLevel(play.become, run.host, run.host, play.becomeUser);
  if (level !== become.become || play.becomeMethod !== become.method) return { facts: {}, early: [] };
  const { facts: later, quiet } = tasksAhead(env, play, run, level, batch, from);
  // a fact that needs root while the exec does not would run in an exec of its own
  const rides = (f: FactQuery) => !known.values.has(f.key) && (namesWhatItReads(f) || quiet.has(f.key)) && (level !== false || !f.become);
  const facts = Object.fromEntries(Object.entries(later).filter(([, f]) => rides(f)));
  return { facts, early: Object.values(facts).flatMap((f) => (namesWhatItReads(f) ? [] : [f.key])) };
}

/** What one exec of steps (and the probe after them) gave back. */
export interface StepsOutcome {
  /** The results of the steps that ran (a prefix: none after the first that failed). */
  results: ExecResult[];
  /** The exec itself failed (the connection): no step has a result. */
  lost?: unknown;
  /** The facts probed after the steps: only when every step ran and the probe was complete. */
  after?: FactCache | undefined;
}

/** An exec of steps: the steps, its nonce and become level, the facts to probe after them, what to record after them. */
export interface StepsExec {
  steps: readonly ApplyStep[];
  nonce: string;
  become: boolean | string;
  facts: Record<string, FactQuery>;
  /** Lines that run after the steps (each step ran), before the probe: SigCache.recordAfterWrite's. */
  record?: string | undefined;
}

/**
 * Sends the steps in one exec (after the host index's new answers, see sigcache.ts); with `facts`, the exec
 * goes on to probe them once every step has run (the probe's own script, framed with its own nonce after the
 * steps'), so the tasks after the group plan from the cache without a probe of their own. The probe's answers
 * are returned, not stored: the caller stores them once the steps' own changes are accounted for.
 */
export async function execSteps(conn: Connection, x: StepsExec, sigCache: HostRun['sigCache']): Promise<StepsOutcome> {
  const { steps, nonce, become, facts } = x;
  // the answers this run added to the host's own index ride along (root's directory: only as root)
  const index = becomesRoot(become) ? sigCache.takeHostWrites() : undefined;
  const before = index === undefined ? '' : `(\n${index}\n) </dev/null >/dev/null 2>&1\n`;
  const script = `${before}${stepsScript(steps, nonce)}${x.record === undefined ? '' : `\n${x.record}`}`;
  const stdin = stepsStdin(steps);
  // the steps run one after another: the exec's limit is the sum of theirs (none when none has one; a step
  // without one then has the others' time, as it has the connection's alone)
  const limits = steps.flatMap((s) => (s.timeoutMs === undefined ? [] : [s.timeoutMs]));
  const timeoutMs = limits.length > 0 ? limits.reduce((a, b) => a + b, 0) : undefined;
  let results: ExecResult[] | undefined;
  let lost: unknown;
  // the probe's first exec at the steps' level carries the steps before it
  const carrier = carrying(conn, async (command, opts) => {
    if (results !== undefined || lost !== undefined || opts.become !== become) return conn.exec(command, opts);
    try {
      const r = await conn.exec(`${script}\n${command}`, { ...opts, stdin, timeoutMs });
      results = splitSteps(r.stdout, steps.length, nonce);
      return r;
    } catch (e) {
      lost = e;
      throw e;
    }
  });
  const after = new FactCache();
  let complete = false;
  if (Object.keys(facts).length > 0) {
    try {
      await gatherFacts(carrier, facts, { become, cache: after, sigCache });
      complete = true;
    } catch {
      /* a step failed (the probe did not run) or the probe failed: the next task probes for itself */
    }
  }
  if (results === undefined && lost === undefined) {
    try {
      const r = await conn.exec(script, { become, stdin, timeoutMs });
      results = splitSteps(r.stdout, steps.length, nonce);
    } catch (e) {
      lost = e;
    }
  }
  const ran = results ?? [];
  return { results: ran, lost, after: complete && ran.length === steps.length ? after : undefined };
}

type Exec = (command: string, opts: NonNullable<Parameters<Connection['exec']>[1]>) => Promise<ExecResult>;

/** `conn` with its exec replaced (the probe only execs). */
function carrying(conn: Connection, exec: Exec): Connection {
  return {
    host: conn.host,
    exec: (command, opts = {}) => exec(command, opts),
    put: (p, d, o) => conn.put(p, d, o),
    read: (p, o) => conn.read(p, o),
    stat: (p, o) => conn.stat(p, o),
    close: () => conn.close(),
  };
}
