import { absPathSchema, contentTargetShape, isSecret, type Secret } from '../kit/index.js';
import { z } from 'zod';

const secretString = z.custom<Secret<string>>((v) => isSecret(v) && typeof v.reveal() === 'string', {
  message: 'must be a string or a Secret<string>',
});

export const copyArgsSchema = z
  .object({
    ...contentTargetShape,
    /** The file's content (a `Secret` makes the task secret). */
    content: z.union([z.string(), secretString]).optional().describe("The file's content (a `Secret` makes the task secret)"),
    /** A file on the workstation; relative paths resolve against the playbook's directory. */
    src: z.string().min(1).optional().describe("A file on the workstation; relative paths resolve against the playbook's directory"),
    /** A file already on the host. */
    remoteSrc: absPathSchema.optional().describe('A file already on the host'),
  })
  .strict()
  .superRefine((a, ctx) => {
    const given = (['content', 'src', 'remoteSrc'] as const).filter((k) => a[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [given[1] ?? 'content'],
        message:
          given.length === 0
            ? 'give one of content, src or remoteSrc'
            : `give only one of content, src or remoteSrc (got ${given.join(', ')})`,
      });
    }
  })
  .transform((a) => ({ ...a, secret: a.secret || isSecret(a.content) }));

export type CopyArgs = z.input<typeof copyArgsSchema>;
export type CopyOptions = z.output<typeof copyArgsSchema>;
