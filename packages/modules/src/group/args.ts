import { z } from 'zod';
import { principalSchema } from '../kit/index.js';

export const groupArgsSchema = z.strictObject({
  name: principalSchema('group').describe('The group name'),
  state: z.enum(['present', 'absent']).default('present').describe('present: the group exists (with gid when given); absent: it does not'),
  gid: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 2)
    .optional()
    .describe('The numeric group id (default: the next free one)'),
  system: z.boolean().default(false).describe('Create a system group (gid from the system range)'),
});

export type GroupArgs = z.input<typeof groupArgsSchema>;
export type GroupOptions = z.output<typeof groupArgsSchema>;
