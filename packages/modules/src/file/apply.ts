import { safeWriteRefusal, TsplayError, type ApplyContext, type ApplyResult, type Plan } from '../kit/index.js';
import type { FileOptions } from './args.js';
import type { FilePlanData } from './plan.js';

export interface FileResult {
  path: string;
  state: FileOptions['state'];
}

/** Runs the script the plan built, as the task's become user. */
export async function applyFile(ctx: ApplyContext, args: FileOptions, plan: Plan<FilePlanData>): Promise<ApplyResult<FileResult>> {
  const script = plan.data?.script;
  if (!script) return { changed: false, data: { path: args.path, state: args.state } };
  const r = await ctx.conn.exec(script, { become: ctx.become });
  const refused = safeWriteRefusal(r, args.path);
  if (refused)
    throw new TsplayError(refused.code, refused.message, { host: ctx.host, task: ctx.task, field: refused.field, hint: refused.hint });
  if (r.code !== 0) {
    throw new TsplayError(
      'COMMAND_FAILED',
      `could not ${plan.summary?.replace(/^would /, '') ?? `manage ${args.path}`}: ${r.stderr.trim() || `exit code ${r.code}`}`,
      {
        host: ctx.host,
        task: ctx.task,
        hint: 'check the path, the user/group names and permissions on the host',
      },
    );
  }
  return { data: { path: args.path, state: args.state } };
}
