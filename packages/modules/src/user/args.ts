import { z } from 'zod';
import { absPathSchema, principalSchema } from '../kit/index.js';

export const userArgsSchema = z.strictObject({
  name: principalSchema('user').describe('The login name'),
  state: z.enum(['present', 'absent']).default('present').describe('present: the user exists as described; absent: it does not'),
  uid: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 2)
    .optional()
    .describe('The numeric user id (default: the next free one)'),
  group: principalSchema('group').optional().describe('The primary group (must exist; default: a new group named like the user)'),
  groups: z.array(principalSchema('group')).optional().describe('Supplementary groups (must exist)'),
  append: z.boolean().default(false).describe('Add to `groups` without removing the user from other supplementary groups'),
  home: absPathSchema.optional().describe('The home directory (default /home/NAME)'),
  shell: absPathSchema.optional().describe('The login shell'),
  comment: z
    .string()
    .refine((s) => !/[:\n]/.test(s), { message: 'comment must not contain : or a newline' })
    .optional()
    .describe('The GECOS field'),
  system: z.boolean().default(false).describe('A system account (uid from the system range, no home unless createHome)'),
  createHome: z.boolean().optional().describe('Create the home directory (default: true, false for system users)'),
  remove: z.boolean().default(false).describe('With state absent: also remove the home directory and mail spool'),
});

export type UserArgs = z.input<typeof userArgsSchema>;
export type UserOptions = z.output<typeof userArgsSchema>;

export const homeOf = (a: UserOptions): string => a.home ?? `/home/${a.name}`;
export const createsHome = (a: UserOptions): boolean => a.createHome ?? !a.system;
