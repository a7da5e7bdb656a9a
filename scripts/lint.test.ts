import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS script without types
import { kitOnlyProblem, lintPackage } from './lint.mjs';

const root = join(import.meta.dirname, '..');

describe('project lint', () => {
  it.each(readdirSync(join(root, 'packages')))(
    'packages/%s: no deep imports, no import cycles, no console.log, built-in modules only through the kit',
    (p) => {
      expect((lintPackage as (d: string) => string[])(join(root, 'packages', p))).toEqual([]);
    },
  );

  it('a deep import is flagged unless the package exports that subpath', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-lint-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'src', 'a.ts'),
      "import { x } from '@tsplay/core/src/errors.js';\nimport { y } from '@tsplay/ssh/persist';\nexport const z = [x, y];\n",
    );
    const problems = (lintPackage as (d: string) => string[])(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('deep import @tsplay/core/src/errors.js');
  });

  it('a built-in module reaches core only through the kit index; the kit, its helpers and tests may import core', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-lint-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@tsplay/modules' }));
    for (const d of ['src/mine', 'src/kit', 'src/common']) mkdirSync(join(dir, d), { recursive: true });
    const files: Record<string, string> = {
      'src/mine/index.ts':
        "import { defineModule } from '@tsplay/core';\nimport { pathFact } from '../kit/index.js';\nexport const m = [defineModule, pathFact];\n",
      'src/mine/facts.ts':
        "import { textFact } from '../kit/facts.js';\nimport { sh } from '@tsplay/modules/kit';\nimport { x } from '../common/x.js';\nexport const f = [textFact, sh, x];\n",
      'src/mine/mine.test.ts': "import { Overlay } from '@tsplay/core/module';\nexport const o = Overlay;\n",
      'src/kit/index.ts': "export { defineModule } from '@tsplay/core';\n",
      'src/common/x.ts': "import { quote } from '@tsplay/core';\nexport const x = quote;\n",
      'src/index.ts': "import type { AnyModule } from '@tsplay/core/module';\nexport type M = AnyModule;\n",
    };
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    const problems = (lintPackage as (d: string) => string[])(dir);
    expect(problems.map((p) => p.replace(/^.*?src\//, 'src/'))).toEqual([
      "src/mine/facts.ts: mine: imports ../kit/facts.js (import the kit through '../kit/index.js')",
      "src/mine/index.ts: mine: imports @tsplay/core (a built-in module uses the kit: import from '../kit/index.js')",
    ]);
    // the same files in another package are not held to the kit rule
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@tsplay/other' }));
    expect((lintPackage as (d: string) => string[])(dir)).toEqual([]);
    expect((kitOnlyProblem as (rel: string, spec: string) => string | undefined)('src/copy/plan.ts', '@tsplay/core/transport')).toMatch(
      /copy: imports @tsplay\/core\/transport/,
    );
  });
});
