import { z } from 'zod';
import { absPathSchema, modeSchema } from '../kit/index.js';

export const fetchArgsSchema = z
  .strictObject({
    src: absPathSchema.describe('Absolute path of the file on the host (a regular file)'),
    dest: z
      .string()
      .min(1)
      .refine((p) => !p.includes('\0'), { message: 'must not contain a NUL byte' })
      .describe(
        'Where it goes on the workstation (relative: against the playbook directory). Without `flat`, a directory: the file is `dest/<host>/<src>`; with `flat`, the file itself, or `dest/<basename of src>` when dest ends with /',
      ),
    flat: z
      .boolean()
      .default(false)
      .describe("Ansible's flat: dest names the file (or, ending with /, its directory) instead of a tree per host"),
    checksum: z.boolean().default(true).describe("Verify that the sha256 of what arrived equals the host file's before it is named"),
    secret: z.boolean().default(false).describe('The content is secret: never shown, and the local file is 0600 without mode'),
    mode: modeSchema.optional().describe('Octal mode of the local file (default 0600 when secret, else 0644)'),
  })
  .describe('A file from the host to the workstation: atomic, checksum verified, idempotent by sha256');

export type FetchArgs = z.input<typeof fetchArgsSchema>;
export type FetchOptions = z.output<typeof fetchArgsSchema>;
