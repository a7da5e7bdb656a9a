import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { SITE } from './templates.js';

// Inside the package, so that @tsplay/core, @tsplay/modules and zod resolve from the workspace (source condition).
const dir = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), '.site-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** tsc's errors for each source (by file name), with the repository's playbook settings (strict), in one program. */
function typeErrors(sources: Record<string, string>): Record<string, string[]> {
  const files = Object.entries(sources).map(([name, source]) => {
    writeFileSync(join(dir, name), source);
    return join(dir, name);
  });
  const config = ts.getParsedCommandLineOfConfigFile(
    fileURLToPath(new URL('../../../../tsconfig.playbooks.json', import.meta.url)),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => undefined,
    },
  );
  const program = ts.createProgram(files, { ...config?.options, noEmit: true });
  const all = ts.getPreEmitDiagnostics(program);
  return Object.fromEntries(
    Object.keys(sources).map((name, i) => [
      name,
      all.filter((d) => d.file?.fileName === files[i]).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    ]),
  );
}

describe('tsplay init templates', () => {
  it('site.ts type-checks without `as const` (task() infers the literal args), and a wrong state does not', () => {
    expect(SITE).not.toContain('as const');
    const wrong = SITE.replace("state: 'directory'", "state: 'folder'");
    expect(wrong).not.toBe(SITE);
    const errors = typeErrors({ 'site.ts': SITE, 'wrong.ts': wrong });
    expect(errors['site.ts']).toEqual([]);
    expect(errors['wrong.ts']?.join('\n')).toMatch(/folder/);
  }, 60_000);
});
