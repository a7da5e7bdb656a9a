import { TsplayError } from '@tsplay/core';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The lab makes namespaces, mounts and cgroups: it needs root. */
export function requireRoot(): void {
  if (!isRoot()) {
    throw new TsplayError('LAB_FAILED', 'the lab needs root (namespaces, overlay mounts, cgroups)', {
      hint: 'run as root, e.g. `sudo tsplay lab up`',
    });
  }
}
