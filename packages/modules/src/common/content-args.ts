import { z } from 'zod';
import { principalSchema } from './attrs.js';
import { modeSchema } from './mode.js';
import { absPathSchema } from './paths.js';

/** `validate`: a shell command run on the host against the new file, `%s` standing for its path. */
export const validateSchema = z.string().refine((s) => s.includes('%s'), {
  message: "validate must contain %s where the new file's path goes, e.g. 'systemd-analyze verify %s'",
});

/** Arguments shared by copy and template. */
export const contentTargetShape = {
  /** Absolute path of the file on the host. */
  dest: absPathSchema.describe('Absolute path of the file on the host'),
  /** Octal mode; new files default to 0644, existing files keep theirs; a secret is 0600 whatever the old mode. */
  mode: modeSchema
    .optional()
    .describe('Octal mode; new files default to 0644, existing files keep theirs; a secret is 0600 whatever the old mode'),
  owner: principalSchema('user').optional().describe('Owner, a user name'),
  group: principalSchema('group').optional().describe('Group, a group name'),
  /** Keep the old file as `dest.<UTC timestamp>~` before overwriting it. */
  backup: z.boolean().default(false).describe('Keep the old file as `dest.<UTC timestamp>~` before overwriting it'),
  validate: validateSchema
    .optional()
    .describe("A command run on the host against the new file before it replaces dest; %s is the file's path"),
  /** Never show the content (diffs show `<secret>`, outputs redact it). */
  secret: z.boolean().default(false).describe('Never show the content (diffs show `<secret>`, outputs redact it)'),
};
