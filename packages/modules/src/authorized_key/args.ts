import { z } from 'zod';
import { principalSchema } from '../common/attrs.js';
import { absPathSchema } from '../common/paths.js';

const KEY = /^(?:(\S+)\s+)?((?:ssh|ecdsa|sk)-[A-Za-z0-9@.-]+)\s+([A-Za-z0-9+/=]+)(?:\s+(.*))?$/;

/** One OpenSSH public key line: optional options, type, base64 blob, optional comment. */
export const publicKeySchema = z
  .string()
  .transform((s) => s.trim())
  .refine((s) => !s.includes('\n') && KEY.test(s), { message: 'not an OpenSSH public key line (like "ssh-ed25519 AAAA... me@host")' });

/** `type blob`: what identifies a key, whatever its options and comment. */
export function keyId(line: string): string | undefined {
  const m = KEY.exec(line.trim());
  return m ? `${m[2]} ${m[3]}` : undefined;
}

export const authorizedKeyArgsSchema = z.strictObject({
  user: principalSchema('user').describe('The account whose authorized_keys file is managed'),
  key: publicKeySchema.describe('The public key line'),
  state: z.enum(['present', 'absent']).default('present').describe('present: the key is in the file; absent: it is not'),
  path: absPathSchema.optional().describe('The authorized_keys file (default ~USER/.ssh/authorized_keys, /root for root, else /home/USER)'),
  exclusive: z.boolean().default(false).describe('Remove every other key from the file'),
});

export type AuthorizedKeyArgs = z.input<typeof authorizedKeyArgsSchema>;
export type AuthorizedKeyOptions = z.output<typeof authorizedKeyArgsSchema>;

export const defaultHome = (user: string): string => (user === 'root' ? '/root' : `/home/${user}`);
export const keysPath = (a: AuthorizedKeyOptions): string => a.path ?? `${defaultHome(a.user)}/.ssh/authorized_keys`;
