import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CountingStat {
  /** Put this directory first on PATH. */
  bin: string;
  /** Forget the calls so far. */
  reset(): void;
  /** The calls since the last reset. */
  calls(): number;
}

/** Tests: a `stat` that counts its calls whose arguments match `pattern` (a sh case pattern over " ARGS ") before running the real one. */
export function countingStat(pattern = '*'): CountingStat {
  const bin = mkdtempSync(join(tmpdir(), 'tsplay-counting-stat-'));
  const log = join(bin, 'calls.log');
  writeFileSync(log, '');
  writeFileSync(join(bin, 'stat'), `#!/bin/sh\ncase " $* " in ${pattern}) echo call >> ${log};; esac\nexec /usr/bin/stat "$@"\n`);
  chmodSync(join(bin, 'stat'), 0o755);
  return {
    bin,
    reset: () => writeFileSync(log, ''),
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length,
  };
}
