/**
 * The fault suite's tally: each fault test, once it has shown 0 partial files and a converging re-run, records
 * itself here. The file `$TMPDIR/tsplay-e2e-faults-survived.json` is merged across the suite's files (each file
 * runs alone, in any order) and says how many faults the suite survived: `{ survived, faults: { name: ... } }`.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SURVIVED_FILE = join(tmpdir(), 'tsplay-e2e-faults-survived.json');

export interface Survived {
  /** Partial files found on any host after the fault (always 0 when recorded: the test asserted it). */
  partialFiles: 0;
  /** Runs after the fault that converged (exit 0), the last of them changing nothing. */
  convergedRuns: number;
  at?: string;
}

export function readSurvived(): { survived: number; faults: Record<string, Survived> } {
  try {
    const v = JSON.parse(readFileSync(SURVIVED_FILE, 'utf8')) as { faults?: Record<string, Survived> };
    const faults = v.faults ?? {};
    return { survived: Object.keys(faults).length, faults };
  } catch {
    return { survived: 0, faults: {} };
  }
}

export function recordSurvived(name: string, s: Survived): void {
  const { faults } = readSurvived();
  faults[name] = { ...s, at: new Date().toISOString() };
  const tmp = `${SURVIVED_FILE}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ survived: Object.keys(faults).length, faults }, null, 2)}\n`);
  renameSync(tmp, SURVIVED_FILE);
}
