import { isAbsolute, resolve } from 'node:path';

/** A workstation path resolved against the playbook's directory (like `copy`'s `src`). */
export function workstationPath(p: string, baseDir: string | undefined): string {
  return isAbsolute(p) ? p : resolve(baseDir ?? process.cwd(), p);
}
