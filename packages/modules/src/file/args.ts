import { z } from 'zod';
import { absPathSchema, modeSchema, principalSchema } from '../kit/index.js';

export const fileStates = ['file', 'touch', 'directory', 'absent', 'link'] as const;

export const fileArgsSchema = z
  .object({
    /** Absolute path on the host. */
    path: absPathSchema.describe('Absolute path on the host'),
    /**
     * `file`: the file must exist; only its attributes are managed (default).
     * `touch`: create an empty file when missing (timestamps are not updated, so it stays idempotent).
     * `directory`: create it and missing parents (like `mkdir -p`).
     * `absent`: remove it (recursively for a directory).
     * `link`: a symbolic link to `src`.
     */
    state: z
      .enum(fileStates)
      .default('file')
      .describe(
        '`file`: the file must exist; only its attributes are managed (default). `touch`: create an empty file when missing (timestamps are not updated, so it stays idempotent). `directory`: create it and missing parents (like `mkdir -p`). `absent`: remove it (recursively for a directory). `link`: a symbolic link to `src`',
      ),
    /** Target of the link (`state: 'link'` only); written as given, relative targets stay relative. */
    src: z
      .string()
      .min(1)
      .optional()
      .describe("Target of the link (`state: 'link'` only); written as given, relative targets stay relative"),
    mode: modeSchema.optional().describe("Octal mode, like '0644' or 0o644"),
    owner: principalSchema('user').optional().describe('Owner, a user name'),
    group: principalSchema('group').optional().describe('Group, a group name'),
    /** `state: 'directory'` only: also set owner/group/mode on everything below it. */
    recurse: z.boolean().default(false).describe("`state: 'directory'` only: also set owner/group/mode on everything below it"),
    /** `state: 'link'` only: replace a regular file that is in the way. */
    force: z.boolean().default(false).describe("`state: 'link'` only: replace a regular file that is in the way"),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.state === 'link' && a.src === undefined)
      ctx.addIssue({ code: 'custom', path: ['src'], message: "state 'link' needs src (the link target)" });
    if (a.state !== 'link' && a.src !== undefined)
      ctx.addIssue({ code: 'custom', path: ['src'], message: "src is only used with state 'link'" });
    if (a.recurse && a.state !== 'directory')
      ctx.addIssue({ code: 'custom', path: ['recurse'], message: "recurse is only used with state 'directory'" });
    if (a.force && a.state !== 'link') ctx.addIssue({ code: 'custom', path: ['force'], message: "force is only used with state 'link'" });
    if (a.state === 'link' && a.mode !== undefined)
      ctx.addIssue({ code: 'custom', path: ['mode'], message: 'a symbolic link has no mode of its own' });
    if (a.state === 'absent') {
      for (const k of ['mode', 'owner', 'group'] as const) {
        if (a[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `${k} makes no sense with state 'absent'` });
      }
    }
  });

export type FileArgs = z.input<typeof fileArgsSchema>;
export type FileOptions = z.output<typeof fileArgsSchema>;
