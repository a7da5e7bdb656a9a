import { isSecret, Secret } from '../kit/index.js';
import { z } from 'zod';
import { absPathSchema } from '../common/paths.js';

const headerValue = z.union([z.string(), z.instanceof(Secret)]);

export const uriArgsSchema = z
  .strictObject({
    url: z
      .string()
      .refine((s) => /^https?:\/\/[^\s]+$/.test(s), { message: 'url must be an http:// or https:// URL' })
      .describe('The URL, requested from the host (with curl)'),
    method: z
      .enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])
      .default('GET')
      .describe('GET and HEAD are read-only (also run in check mode); others change things'),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'header names are HTTP tokens'), headerValue)
      .optional()
      .describe('Request headers; values may be Secrets'),
    body: z
      .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
      .optional()
      .describe('Request body: a string, or a value sent as JSON'),
    status: z
      .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
      .default(200)
      .describe('Accepted status code(s)'),
    json: z.record(z.string(), z.unknown()).optional().describe('The response body must be JSON containing these fields (deep, subset)'),
    caFile: absPathSchema.optional().describe('CA bundle on the host for https'),
    timeoutMs: z.number().int().positive().default(30_000).describe('Give up the request after this long'),
    changed: z.boolean().optional().describe('Whether a successful request counts as a change (default: true for POST/PUT/PATCH/DELETE)'),
  })
  .transform((a) => ({ ...a, secret: Object.values(a.headers ?? {}).some(isSecret) }));

export type UriArgs = z.input<typeof uriArgsSchema>;
export type UriOptions = z.output<typeof uriArgsSchema>;

export const readOnlyMethod = (a: UriOptions): boolean => a.method === 'GET' || a.method === 'HEAD';
