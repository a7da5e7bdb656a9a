import { z } from 'zod';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

type Predicate = (r: CommandResult) => boolean;
const predicate = z.custom<Predicate>((v) => typeof v === 'function', { message: 'expected a function (result) => boolean' });

export const commandArgs = z
  .strictObject({
    /** argv form: each element is one argument, quoted for the shell. */
    argv: z.array(z.string()).min(1).optional().describe('argv form: each element is one argument, quoted for the shell'),
    /** shell form: a command line run by /bin/sh (you quote; prefer `sh` from @tsplay/core). */
    cmd: z.string().min(1).optional().describe('shell form: a command line run by /bin/sh (you quote; prefer `sh` from @tsplay/core)'),
    /** Skip when this path exists on the host. */
    creates: z.string().min(1).optional().describe('Skip when this path exists on the host'),
    /** Skip unless this path exists on the host. */
    removes: z.string().min(1).optional().describe('Skip unless this path exists on the host'),
    chdir: z.string().min(1).optional().describe('Working directory on the host'),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not a valid environment variable name'), z.string())
      .optional()
      .describe('Extra environment variables'),
    stdin: z.string().optional().describe('Text fed to the command on stdin'),
    /** A probe: changes nothing, reports ok, and also runs in check mode. */
    reads: z
      .array(z.string().min(1))
      .optional()
      .describe('readOnly only: paths the probe reads; in check mode it is unknown when an earlier task would change one'),
    readOnly: z.boolean().default(false).describe('A probe: changes nothing, reports ok, and also runs in check mode'),
    changedWhen: predicate
      .optional()
      .describe('(result) => boolean: whether the run counts as a change (default: it does unless readOnly)'),
    failedWhen: predicate.optional().describe('(result) => boolean: whether the run failed (default: exit code not 0)'),
    /** Keep trying until this holds (or retries run out). */
    until: predicate.optional().describe('Keep trying until this holds (or retries run out)'),
    retries: z.number().int().min(0).max(1000).default(0).describe('How many more times to try when it fails (or until does not hold)'),
    delayMs: z.number().int().min(0).default(1000).describe('Pause between tries'),
    timeoutMs: z.number().int().positive().optional().describe('Kill the command after this long (COMMAND_TIMEOUT)'),
  })
  .refine((a) => (a.argv === undefined) !== (a.cmd === undefined), { message: 'give exactly one of argv or cmd', path: ['argv'] });

export type CommandArgs = z.input<typeof commandArgs>;
export type ParsedCommandArgs = z.output<typeof commandArgs>;
