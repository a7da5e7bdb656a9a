import { z } from 'zod';

export const hostnameArgsSchema = z.strictObject({
  name: z
    .string()
    .max(64, 'a hostname is at most 64 characters')
    .regex(
      /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/,
      'letters, digits and hyphens, in dot-separated labels',
    )
    .describe('The host name (written to /etc/hostname and set live)'),
  live: z.boolean().default(true).describe('Also set the running host name with `hostname NAME`'),
});

export type HostnameArgs = z.input<typeof hostnameArgsSchema>;
export type HostnameOptions = z.output<typeof hostnameArgsSchema>;
