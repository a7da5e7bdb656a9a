import { posix } from 'node:path';
import { z } from 'zod';

/** An absolute path on the host, normalized (no `..`, no trailing slash). */
export const absPathSchema = z
  .string()
  .min(1, 'path is empty')
  .refine((p) => p.startsWith('/'), { message: 'must be an absolute path (start with /)' })
  .refine((p) => !p.includes('\0'), { message: 'must not contain a NUL byte' })
  .transform((p) => normalizeHostPath(p));

export function normalizeHostPath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** '/a/b/c' -> ['/', '/a', '/a/b'] (outermost first). */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  let p = posix.dirname(path);
  while (true) {
    out.unshift(p);
    if (p === '/') break;
    p = posix.dirname(p);
  }
  return out;
}

export const hostDirname = (p: string): string => posix.dirname(p);
export const hostBasename = (p: string): string => posix.basename(p);
