import { Secret } from '../kit/index.js';
import { z } from 'zod';
import { principalSchema } from '../common/attrs.js';
import { modeSchema } from '../common/mode.js';
import { absPathSchema } from '../common/paths.js';

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** The parsed `checksum` argument. */
export type Checksum = { kind: 'sha256'; sha256: string } | { kind: 'sha256-url'; url: string } | { kind: 'skip' };

const CHECKSUM_FORMS = "write 'sha256:<64 hex digits>', 'sha256:https://.../SHA256SUMS', or 'skip' to turn checking off";

export const checksumSchema = z
  .string({
    error: (iss) =>
      iss.input === undefined ? `checksum is required (${CHECKSUM_FORMS})` : `checksum must be a string (${CHECKSUM_FORMS})`,
  })
  .transform((v, ctx): Checksum => {
    if (v === 'skip') return { kind: 'skip' };
    const m = /^sha256:(.*)$/s.exec(v.trim());
    const rest = m?.[1];
    if (rest !== undefined && HEX64.test(rest)) return { kind: 'sha256', sha256: rest.toLowerCase() };
    if (rest !== undefined && /^https?:\/\//i.test(rest) && isUrl(rest)) return { kind: 'sha256-url', url: rest };
    ctx.addIssue({ code: 'custom', message: `checksum ${JSON.stringify(v.slice(0, 80))} is not understood; ${CHECKSUM_FORMS}` });
    return z.NEVER;
  });

function hasCredentials(s: string): boolean {
  const u = new URL(s);
  return u.username !== '' || u.password !== '';
}

function isUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

const absPath = (what: string) =>
  z
    .string()
    .min(1)
    .refine((p) => p.startsWith('/') && !p.includes('\0'), { message: `${what} must be an absolute path on the host` });

const headerValue = z.union([z.string(), z.instanceof(Secret)]);

export const downloadArgsSchema = z
  .object({
    /** https URL of the file (http only with `allowInsecure: true`). */
    url: z
      .string()
      .refine(isUrl, { message: 'url is not a valid URL' })
      .describe('https URL of the file (http only with `allowInsecure: true`)'),
    /** Absolute path of the file on the host (not a directory). */
    dest: absPath('dest')
      .refine((p) => !p.endsWith('/'), { message: 'dest must be a file path, not a directory (no trailing /)' })
      .pipe(absPathSchema)
      .describe('Absolute path of the file on the host (not a directory)'),
    checksum: checksumSchema.describe("'sha256:HEX', or 'sha256:URL' of a SHA256SUMS file"),
    mode: modeSchema.optional().describe("Octal mode, like '0644' or 0o644"),
    owner: principalSchema('user').optional().describe('Owner, a user name'),
    group: principalSchema('group').optional().describe('Group, a group name'),
    /** Extra request headers for the download (not sent to a checksum URL). Values may be `Secret`s. */
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'header names are HTTP tokens'), headerValue)
      .optional()
      .describe('Extra request headers (not sent to a checksum URL); values may be Secrets'),
    /** CA bundle on the host to verify the server with (like get_url's ca_path). */
    caFile: absPath('caFile')
      .pipe(absPathSchema)
      .optional()
      .describe("CA bundle on the host to verify the server with (like get_url's ca_path)"),
    /** Give up the transfer after this many ms. */
    timeoutMs: z.number().int().positive().optional().describe('Give up the transfer after this many ms'),
    /** Allow http:// URLs (no transport security; the checksum still protects the content). */
    allowInsecure: z.boolean().optional().describe('Allow http:// URLs (no transport security; the checksum still protects the content)'),
  })
  .strict()
  .superRefine((a, ctx) => {
    const insecure = a.allowInsecure === true;
    if (!insecure && !/^https:\/\//i.test(a.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `url ${JSON.stringify(a.url)} is not https; use an https:// URL or set allowInsecure: true`,
      });
    } else if (!/^https?:\/\//i.test(a.url)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'url must be http(s)://' });
    }
    if (a.checksum.kind === 'sha256-url' && hasCredentials(a.checksum.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['checksum'],
        message:
          'a checksum URL cannot hold a user or password (it would be on the host command line); publish the checksums, or pin sha256:HEX',
      });
    }
    if (a.checksum.kind === 'sha256-url' && !insecure && !/^https:\/\//i.test(a.checksum.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['checksum'],
        message: 'a checksum URL must be https (or set allowInsecure: true)',
      });
    }
    for (const [k, v] of Object.entries(a.headers ?? {})) {
      const s = typeof v === 'string' ? v : String(v.reveal());
      if (/[\r\n\0]/.test(s)) ctx.addIssue({ code: 'custom', path: ['headers', k], message: 'header values cannot contain line breaks' });
    }
  });

/** What a playbook writes. */
export type DownloadArgs = z.input<typeof downloadArgsSchema>;
/** After validation (checksum parsed, mode a number). */
export type DownloadOptions = z.output<typeof downloadArgsSchema>;
