import type { PathState } from '@tsplay/core';
import { rememberContent } from '../common/known-content.js';

/**
 * The state of a regular file after writing `content` with these attributes: type, size, sha256,
 * mode/owner/group. The content is remembered by its hash, so later tasks of a check run that read
 * the file (lineinfile after template) plan against it exactly.
 */
export function predictFile(
  content: string | Buffer,
  attrs: { mode?: number | undefined; owner?: string | undefined; group?: string | undefined },
): PathState {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const st: PathState = { exists: true, type: 'file', size: buf.length, sha256: rememberContent(buf) };
  if (attrs.mode !== undefined) st.mode = attrs.mode;
  if (attrs.owner !== undefined) st.owner = attrs.owner;
  if (attrs.group !== undefined) st.group = attrs.group;
  return st;
}
