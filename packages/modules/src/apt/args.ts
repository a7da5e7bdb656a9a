import { z } from 'zod';

const pkgName = z.string().regex(/^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/, 'a Debian package name (optionally name=version)');

export const aptArgsSchema = z
  .strictObject({
    name: z
      .union([pkgName, z.array(pkgName).min(1)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .describe('Package name(s), optionally name=version'),
    state: z
      .enum(['present', 'absent', 'latest'])
      .default('present')
      .describe('present: installed (any version); latest: the newest candidate; absent: removed'),
    updateCache: z.boolean().default(false).describe('Run `apt-get update` first (only when the cache is older than cacheValidTime)'),
    cacheValidTime: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Seconds the package cache counts as fresh: no update when it is younger (0: always update)'),
    purge: z.boolean().default(false).describe('With state absent: also remove configuration files'),
    installRecommends: z.boolean().default(false).describe('Also install recommended packages'),
  })
  .refine((a) => a.state !== 'absent' || a.name.every((n) => !n.includes('=')), {
    path: ['name'],
    message: 'a version (name=version) makes no sense with state absent',
  });

export type AptArgs = z.input<typeof aptArgsSchema>;
export type AptOptions = z.output<typeof aptArgsSchema>;

export const bareName = (n: string): string => n.split('=')[0] as string;
