import { z } from 'zod';
import { absPathSchema } from '../kit/index.js';
import { regexSchema } from '../common/regex.js';

export const waitForArgsSchema = z
  .strictObject({
    port: z.number().int().min(1).max(65535).optional().describe('Wait for a TCP port to accept connections (or to stop: state stopped)'),
    host: z
      .string()
      .regex(/^[A-Za-z0-9.:-]+$/, 'a host name or address')
      .default('127.0.0.1')
      .describe('Where the port is, seen from the host'),
    path: absPathSchema.optional().describe('Wait for a path to exist (or to be gone: state absent)'),
    regex: regexSchema.optional().describe('With path: wait until a line of the file matches (POSIX extended regex)'),
    state: z
      .enum(['started', 'stopped', 'present', 'absent'])
      .optional()
      .describe('started/stopped for a port, present/absent for a path (default started/present)'),
    timeoutMs: z.number().int().positive().default(300_000).describe('Give up after this long'),
    intervalMs: z.number().int().positive().default(500).describe('Time between checks'),
  })
  .superRefine((a, ctx) => {
    if ((a.port === undefined) === (a.path === undefined))
      ctx.addIssue({ code: 'custom', path: ['port'], message: 'give exactly one of port or path' });
    if (a.regex !== undefined && a.path === undefined) ctx.addIssue({ code: 'custom', path: ['regex'], message: 'regex needs path' });
    if (a.port !== undefined && (a.state === 'present' || a.state === 'absent'))
      ctx.addIssue({ code: 'custom', path: ['state'], message: 'a port is started or stopped' });
    if (a.path !== undefined && (a.state === 'started' || a.state === 'stopped'))
      ctx.addIssue({ code: 'custom', path: ['state'], message: 'a path is present or absent' });
  });

export type WaitForArgs = z.input<typeof waitForArgsSchema>;
export type WaitForOptions = z.output<typeof waitForArgsSchema>;
