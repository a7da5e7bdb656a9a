import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '@tsplay/core';
import { checkConfig, checkTypes, findTsc, projectRoot } from './check-types.js';
import { initProject } from './init.js';

describe('tsplay init', () => {
  it("writes the project files; its inventory loads; package.json names the packages at this CLI's version", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tsplay-init-')), 'My Infra');
    expect(initProject(dir)).toEqual(['package.json', 'tsconfig.json', 'playbooks/site.ts', 'inventories/local/hosts.yaml', '.gitignore']);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      type: string;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const own = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(pkg).toMatchObject({ name: 'my-infra', type: 'module' });
    expect(pkg.dependencies).toMatchObject({
      '@tsplay/core': `^${own.version}`,
      '@tsplay/modules': `^${own.version}`,
      zod: expect.any(String),
    });
    expect(pkg.devDependencies).toMatchObject({ '@tsplay/cli': `^${own.version}`, typescript: expect.any(String) });
    const inv = await loadInventory(join(dir, 'inventories', 'local'));
    expect(inv.hosts.map((h) => [h.name, h.connection, h.vars.siteDir])).toEqual([['local', 'local', join(dir, 'out')]]);
    expect(JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'))).toMatchObject({ extends: '@tsplay/cli/tsconfig.playbooks.json' });
  });

  it('refuses to overwrite: INIT_EXISTS names the files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-init-'));
    writeFileSync(join(dir, 'package.json'), '{}');
    expect(() => initProject(dir)).toThrowError(
      expect.objectContaining({ code: 'INIT_EXISTS', message: expect.stringContaining('package.json') }),
    );
  });
});

describe('tsplay check-types', () => {
  it("finds the project root and its config; without one it writes the preset with the project's folders", () => {
    const root = mkdtempSync(join(tmpdir(), 'tsplay-ct-'));
    writeFileSync(join(root, 'package.json'), '{}');
    mkdirSync(join(root, 'playbooks'));
    expect(projectRoot(join(root, 'playbooks'))).toBe(root);
    const cfg = JSON.parse(readFileSync(checkConfig(root), 'utf8')) as { extends: string; include: string[] };
    expect(cfg.extends).toMatch(/packages\/cli\/tsconfig\.playbooks\.json$/);
    expect(cfg.include).toEqual([join(root, 'playbooks/**/*.ts'), join(root, 'inventories/**/*.ts')]);
    writeFileSync(join(root, 'tsconfig.json'), '{}');
    expect(checkConfig(root)).toBe(join(root, 'tsconfig.json'));
  });

  it('without TypeScript in the project it says how to add it', () => {
    const root = mkdtempSync(join(tmpdir(), 'tsplay-ct-'));
    writeFileSync(join(root, 'package.json'), '{}');
    expect(findTsc(root)).toBeUndefined();
    expect(() => checkTypes(root)).toThrowError(
      expect.objectContaining({ code: 'TYPESCRIPT_MISSING', hint: expect.stringContaining('npm install --save-dev typescript') }),
    );
  });
});
