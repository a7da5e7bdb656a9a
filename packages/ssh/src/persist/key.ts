import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { SshTarget } from '../spec.js';

/** What a file is now (path, inode, size, mtime), or that it is absent: an edited key or known_hosts file gives a new pool key. */
function fileStamp(path: string): string {
  try {
    const s = statSync(path);
    return `${path}:${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return `${path}:absent`;
  }
}

function stamps(t: SshTarget): string[] {
  return [...t.identityFiles, ...t.knownHostsFiles, ...t.jumps.flatMap(stamps)].map(fileStamp);
}

/**
 * The pool key of a target: everything that decides how it is dialled, authenticated and trusted (the whole
 * resolved target: address, port, user, identities, agent socket, known_hosts files, hostKeyChecking,
 * hostKeyAlias, timeouts, the jump chain) plus the identity and known_hosts files as they are now.
 */
export function poolKey(t: SshTarget): string {
  return createHash('sha256').update(JSON.stringify(t)).update('\0').update(stamps(t).join('\n')).digest('hex');
}
