import type { ApplyContext, ApplyResult, Plan } from '../kit/index.js';
import { runAccountCommand } from '../common/run-account.js';
import type { GroupOptions } from './args.js';
import type { GroupPlanData } from './plan.js';

export async function applyGroup(ctx: ApplyContext, a: GroupOptions, plan: Plan<GroupPlanData>): Promise<ApplyResult<{ name: string }>> {
  if (plan.data?.command)
    await runAccountCommand(ctx, plan.data.command, 'GROUP_FAILED', `${a.state === 'absent' ? 'remove' : 'set up'} group ${a.name}`);
  return { data: { name: a.name } };
}
