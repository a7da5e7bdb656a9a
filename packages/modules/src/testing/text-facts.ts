import { createHash } from 'node:crypto';
import type { PathState } from '@tsplay/core';

/** Fact values of a text file for plan tables: the file with `text` (or absent), in a plain /etc. */
export function textFacts(text: string | undefined, attrs: Partial<PathState> = {}): Record<string, unknown> {
  const dest: PathState =
    text === undefined
      ? { exists: false }
      : {
          exists: true,
          type: 'file',
          mode: 0o644,
          owner: 'root',
          group: 'root',
          size: Buffer.byteLength(text),
          sha256: createHash('sha256').update(text).digest('hex'),
          ...attrs,
        };
  return {
    dest,
    parent: { exists: true, type: 'dir', mode: 0o755, owner: 'root', group: 'root' },
    me: { user: 'root', group: 'root' },
    old: text === undefined ? { kind: 'absent' } : { kind: 'text', text },
  };
}
