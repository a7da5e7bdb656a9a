import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

/** What `lab up` made, in `<stateDir>/lab.json`; `lab down` and `lab status` read it. */
export interface LabState {
  /** `starting` while `up` runs (a failed or killed up leaves it: `down` cleans it up), then `up`. */
  phase: 'starting' | 'up';
  hosts: number;
  startedAt: string;
  fileServerPid?: number;
  tarballSha256?: string;
}

export function readState(file: string): LabState | undefined {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as LabState;
    return typeof s.hosts === 'number' ? s : undefined;
  } catch {
    return undefined;
  }
}

export async function writeState(file: string, state: LabState): Promise<void> {
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}
