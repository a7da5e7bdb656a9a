import { defineModule } from '../kit/index.js';
import { commandArgs } from './args.js';
import { applyCommand } from './apply.js';
import { commandFacts } from './facts.js';
import { planCommand } from './plan.js';

export type { CommandArgs, CommandResult } from './args.js';
export { commandLine } from './line.js';

/**
 * Run a command (argv or shell form). Not idempotent by itself: use `creates`/`removes`, or mark
 * probes `readOnly` (they run in check mode too and never count as changes; `reads` names the
 * paths a probe reads, so it is unknown in check mode when an earlier task would change them).
 */
export const command = defineModule({
  name: 'command',
  args: commandArgs.describe('Run a command (argv or shell form); creates/removes make it idempotent, readOnly makes it a probe'),
  facts: (a, ctx) => commandFacts(a, ctx),
  plan: (facts, a) => planCommand(facts, a),
  resultFromPlan: (plan) => plan.data,
  readOnly: (a) => a.readOnly,
  reads: (a) => a.reads,
  apply: (ctx, a) => applyCommand(ctx, a),
});
