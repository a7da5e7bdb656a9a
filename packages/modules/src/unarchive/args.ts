import { z } from 'zod';
import { modeSchema } from '../kit/index.js';

const absPath = (what: string) =>
  z
    .string()
    .min(1)
    .refine((p) => p.startsWith('/') && !p.includes('\0') && !p.includes('\n'), {
      message: `${what} must be an absolute path on the host`,
    });

export const unarchiveArgsSchema = z
  .object({
    /**
     * The archive: .tar.gz, .tgz, .tar (any compression GNU tar detects by itself). An absolute
     * path on the host, or with `copyFromLocal` a path on the workstation (relative to the playbook).
     */
    src: z
      .string()
      .min(1)
      .refine((p) => !p.includes('\0') && !p.includes('\n'), { message: 'src cannot contain a NUL byte or a line break' })
      .describe('The .tar(.gz|.xz|.bz2|.zst) archive: a path on the host, or with copyFromLocal a path on the workstation'),
    /** Take `src` from the workstation: it is probed there and uploaded only when something must be extracted. */
    copyFromLocal: z
      .boolean()
      .default(false)
      .describe('Take `src` from the workstation: it is probed there and uploaded only when something must be extracted'),
    /** Directory to extract into; it must exist (or be created by an earlier task). */
    dest: absPath('dest')
      .transform((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p))
      .describe('Directory to extract into; it must exist (or be created by an earlier task)'),
    /** GNU tar wildcards matched against the member paths in the archive, e.g. ['*\/etcd', '*\/etcdctl']. Default: everything. */
    include: z
      .array(
        z
          .string()
          .min(1)
          .refine((s) => !s.includes('\n') && !s.includes('\0'), { message: 'an include pattern cannot contain a line break' }),
      )
      .min(1)
      .optional()
      .describe("GNU tar wildcards matched against the member paths, e.g. ['*/etcd']; default: everything"),
    /** Leading path components removed from member names (tar --strip-components). */
    stripComponents: z
      .number()
      .int()
      .min(0)
      .max(64)
      .default(0)
      .describe('Leading path components removed from member names (tar --strip-components)'),
    /** Mode for every extracted regular file (default: the mode in the archive). */
    mode: modeSchema.optional().describe('Mode for every extracted regular file (default: the mode in the archive)'),
    owner: z.string().min(1).optional().describe('Owner, a user name'),
    group: z.string().min(1).optional().describe('Group, a group name'),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!a.copyFromLocal && !a.src.startsWith('/')) {
      ctx.addIssue({
        code: 'custom',
        path: ['src'],
        message: 'src must be an absolute path on the host (or set copyFromLocal: true for a workstation file)',
      });
    }
  });

/** What a playbook writes. */
export type UnarchiveArgs = z.input<typeof unarchiveArgsSchema>;
/** After validation. */
export type UnarchiveOptions = z.output<typeof unarchiveArgsSchema>;
