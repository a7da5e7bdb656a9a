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
    argv: z.array(z.string()).min(1).optional(),
    /** shell form: a command line run by /bin/sh (you quote; prefer `sh` from @tsplay/core). */
    cmd: z.string().min(1).optional(),
    /** Skip when this path exists on the host. */
    creates: z.string().min(1).optional(),
    /** Skip unless this path exists on the host. */
    removes: z.string().min(1).optional(),
    chdir: z.string().min(1).optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not a valid environment variable name'), z.string()).optional(),
    stdin: z.string().optional(),
    /** A probe: changes nothing, reports ok, and also runs in check mode. */
    readOnly: z.boolean().default(false),
    changedWhen: predicate.optional(),
    failedWhen: predicate.optional(),
    /** Keep trying until this holds (or retries run out). */
    until: predicate.optional(),
    retries: z.number().int().min(0).max(1000).default(0),
    delayMs: z.number().int().min(0).default(1000),
    timeoutMs: z.number().int().positive().optional(),
  })
  .refine((a) => (a.argv === undefined) !== (a.cmd === undefined), { message: 'give exactly one of argv or cmd', path: ['argv'] });

export type CommandArgs = z.input<typeof commandArgs>;
export type ParsedCommandArgs = z.output<typeof commandArgs>;
