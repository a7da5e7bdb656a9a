import { execFact, pathFact, type ExecResult, type FactQuery, type FactValues, type PathState, type PlanContext } from '../kit/index.js';
import type { ParsedCommandArgs } from './args.js';
import { commandLine } from './line.js';

export interface CommandFactQueries {
  creates?: FactQuery<PathState>;
  removes?: FactQuery<PathState>;
  /** A readOnly probe's first run, taken in the host's batched fact exec. */
  run?: FactQuery<ExecResult>;
}

/** The values the plan sees, derived from the queries. */
export type CommandFacts = FactValues<CommandFactQueries>;

/**
 * `creates`/`removes` are probed before the command runs. A readOnly probe runs as a fact itself, in
 * the batched exec (it changes nothing, so running it with the other facts is safe; the runner
 * re-probes it when an earlier task changes the host). Not with stdin or a time limit: a batched fact
 * has neither, so such a probe runs on its own in apply.
 */
export function commandFacts(a: ParsedCommandArgs, ctx: Pick<PlanContext, 'become' | 'timeoutMs'>): CommandFactQueries {
  const f: CommandFactQueries = {};
  if (a.creates) f.creates = pathFact(a.creates);
  if (a.removes) f.removes = pathFact(a.removes);
  if (a.readOnly && a.stdin === undefined && a.timeoutMs === undefined && ctx.timeoutMs === undefined) {
    f.run = execFact(commandLine(a), { become: ctx.become, cwd: a.chdir, env: a.env, paths: a.reads });
  }
  return f;
}
