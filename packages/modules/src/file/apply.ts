import {
  safeWriteRefusal,
  TsplayError,
  type ApplyResult,
  type ApplyStep,
  type ExecResult,
  type Plan,
  type StepContext,
} from '../kit/index.js';
import type { FileOptions } from './args.js';
import type { FilePlanData } from './plan.js';

export interface FileResult {
  path: string;
  state: FileOptions['state'];
}

/** The script the plan built, run as the task's become user (one step: see ApplyStep). */
export function fileStep(ctx: StepContext, args: FileOptions, plan: Plan<FilePlanData>): ApplyStep<FileResult> {
  const data = { path: args.path, state: args.state };
  const script = plan.data?.script;
  if (!script) return { script: ':', done: () => ({ changed: false, data }) };
  return { script, done: (r) => (fileFailure(ctx, args, plan, r), { data }) };
}

function fileFailure(ctx: StepContext, args: FileOptions, plan: Plan<FilePlanData>, r: ExecResult): void {
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
}
