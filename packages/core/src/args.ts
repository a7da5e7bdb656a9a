import { TsplayError } from './errors.js';
import type { AnyModule } from './module.js';
import { formatZodIssues, issueField, sortIssues } from './validate.js';

/** Validate args with the module's schema; errors name the task and the field path. Pure: the planner's. */
export function parseArgs(module: AnyModule, args: unknown, where: { host?: string; task?: string; file?: string } = {}): unknown {
  const r = module.args.safeParse(args);
  if (r.success) return r.data;
  throw new TsplayError('ARGS_INVALID', `invalid arguments for module ${module.name}: ${formatZodIssues(r.error.issues)}`, {
    ...where,
    field: issueField(sortIssues(r.error.issues)[0]),
    hint: `run \`tsplay modules ${module.name}\` for the module's arguments`,
  });
}
