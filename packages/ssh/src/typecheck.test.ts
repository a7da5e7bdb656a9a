import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Report {
  success: boolean;
  testResults: { name: string; status: string; assertionResults: { status: string; title: string }[] }[];
}

describe('type tests run in CI (vitest project "types")', () => {
  it('a deliberate type break makes the run fail, while the real type tests pass', { timeout: 300_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'tsplay-typecheck-'));
    try {
      const file = join(out, 'report.json');
      const r = spawnSync(
        process.execPath,
        [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'types', '--reporter=json', `--outputFile=${file}`],
        {
          cwd: root,
          env: { ...process.env, TSPLAY_TYPECHECK_PROOF: '1', NO_COLOR: '1' },
          encoding: 'utf8',
        },
      );
      expect(r.status).not.toBe(0);
      const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
      expect(report.success).toBe(false);
      const byFile = new Map(report.testResults.map((t) => [t.name.slice(root.length + 1), t]));
      const broken = byFile.get('packages/ssh/src/fixtures/type-break/break.test-d.ts');
      expect(broken?.status).toBe('failed');
      expect(broken?.assertionResults.map((a) => a.status)).toEqual(['failed']);
      const real = byFile.get('packages/ssh/src/types.test-d.ts');
      expect(real?.status).toBe('passed');
      expect(real?.assertionResults.length).toBeGreaterThan(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
