import type { ApplyContext, ApplyResult, Plan } from '../kit/index.js';
import { runAccountCommand } from '../common/run-account.js';
import type { UserOptions } from './args.js';
import type { UserPlanData } from './plan.js';

export async function applyUser(ctx: ApplyContext, a: UserOptions, plan: Plan<UserPlanData>): Promise<ApplyResult<{ name: string }>> {
  if (plan.data?.command)
    await runAccountCommand(ctx, plan.data.command, 'USER_FAILED', `${a.state === 'absent' ? 'remove' : 'set up'} user ${a.name}`);
  return { data: { name: a.name } };
}
