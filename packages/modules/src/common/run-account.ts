import { TsplayError, type ApplyContext, type ErrorCode } from '@tsplay/core';

/** Run an account command (useradd, groupmod...) as the task's become user; a failure is `code`. */
export async function runAccountCommand(ctx: ApplyContext, command: string, code: string, what: string): Promise<void> {
  const r = await ctx.conn.exec(command, { become: ctx.become, timeoutMs: 120_000 });
  if (r.code !== 0) {
    throw new TsplayError(code as ErrorCode, `could not ${what}: ${r.stderr.trim() || r.stdout.trim() || `exit ${r.code}`}`, {
      host: ctx.host,
      hint: `the command was: ${command}`,
    });
  }
}
