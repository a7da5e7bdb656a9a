import { createHash } from 'node:crypto';

/**
 * Content predicted by earlier plans of this process, by sha256. In check mode the overlay knows a
 * predicted file's sha256, not its text; a later task that edits the file (lineinfile after
 * template) looks the text up here and plans exactly instead of answering 'unknown'.
 */
const MAX_ENTRY = 1024 * 1024;
const MAX_ENTRIES = 512;
const known = new Map<string, string>();

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Remember `text` (UTF-8) under its sha256; returns the sha256. Large or binary content is not kept. */
export function rememberContent(data: string | Buffer, sha256 = sha256Hex(data)): string {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (buf.length > MAX_ENTRY || buf.includes(0)) return sha256;
  known.delete(sha256);
  known.set(sha256, buf.toString('utf8'));
  if (known.size > MAX_ENTRIES) known.delete(known.keys().next().value as string);
  return sha256;
}

/** The text of content predicted earlier with this sha256, if remembered. */
export function knownContent(sha256: string | undefined): string | undefined {
  return sha256 === undefined ? undefined : known.get(sha256);
}
