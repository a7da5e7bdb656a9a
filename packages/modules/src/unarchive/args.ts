import { z } from 'zod';
import { modeSchema } from '../common/mode.js';

const absPath = (what: string) =>
  z
    .string()
    .min(1)
    .refine((p) => p.startsWith('/') && !p.includes('\0') && !p.includes('\n'), { message: `${what} must be an absolute path on the host` });

export const unarchiveArgsSchema = z
  .object({
    /**
     * The archive: .tar.gz, .tgz, .tar (any compression GNU tar detects by itself). An absolute
     * path on the host, or with `copyFromLocal` a path on the workstation (relative to the playbook).
     */
    src: z
      .string()
      .min(1)
      .refine((p) => !p.includes('\0') && !p.includes('\n'), { message: 'src cannot contain a NUL byte or a line break' }),
    /** Take `src` from the workstation: it is probed there and uploaded only when something must be extracted. */
    copyFromLocal: z.boolean().default(false),
    /** Directory to extract into; it must exist (or be created by an earlier task). */
    dest: absPath('dest').transform((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p)),
    /** GNU tar wildcards matched against the member paths in the archive, e.g. ['*\/etcd', '*\/etcdctl']. Default: everything. */
    include: z
      .array(
        z
          .string()
          .min(1)
          .refine((s) => !s.includes('\n') && !s.includes('\0'), { message: 'an include pattern cannot contain a line break' }),
      )
      .min(1)
      .optional(),
    /** Leading path components removed from member names (tar --strip-components). */
    stripComponents: z.number().int().min(0).max(64).default(0),
    /** Mode for every extracted regular file (default: the mode in the archive). */
    mode: modeSchema.optional(),
    owner: z.string().min(1).optional(),
    group: z.string().min(1).optional(),
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
