import { z } from 'zod';
import { absPathSchema } from '../kit/index.js';

export const sysctlArgsSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.\/-]*$/, 'a sysctl key like net.ipv4.ip_forward')
      .describe('The kernel parameter, e.g. net.ipv4.ip_forward'),
    value: z
      .union([z.string(), z.number()])
      .transform((v) => String(v).trim().split(/\s+/).join(' '))
      .optional()
      .describe('Its value (state present)'),
    state: z.enum(['present', 'absent']).default('present').describe('present: set in the file (and live); absent: removed from the file'),
    file: absPathSchema
      .refine((p) => p.endsWith('.conf'), { message: 'the sysctl file must end in .conf (systemd-sysctl ignores other names)' })
      .default('/etc/sysctl.d/99-tsplay.conf')
      .describe('The sysctl.d file that holds the setting'),
    reload: z.boolean().default(true).describe('Apply the file with `sysctl -p FILE` when the file or the live value differs'),
  })
  .refine((a) => a.state === 'absent' || a.value !== undefined, { path: ['value'], message: 'state present needs value' });

export type SysctlArgs = z.input<typeof sysctlArgsSchema>;
export type SysctlOptions = z.output<typeof sysctlArgsSchema>;
