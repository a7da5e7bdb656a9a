import type { AnyModule } from '@tsplay/core';
import { describe, expect, it } from 'vitest';
import * as modules from './index.js';
import { formatReference, moduleReference } from './reference.js';

const all = (Object.values(modules) as unknown[]).filter((v): v is AnyModule => (v as { kind?: string }).kind === 'tsplay-module');

describe('module reference from the schemas', () => {
  it('every module has a summary and every arg a description', () => {
    const missing = all.flatMap((m) => {
      const d = moduleReference(m);
      return [...(d.summary ? [] : [`${m.name}: summary`]), ...d.args.filter((a) => !a.description).map((a) => `${m.name}.${a.name}`)];
    });
    expect(missing).toEqual([]);
  });
  it('gives name, type, default and description of each arg', () => {
    const d = moduleReference(modules.lineinfile);
    expect(d.summary).toBe('One line in a text file: added, replaced (regexp) or removed');
    expect(d.args.find((a) => a.name === 'state')).toEqual({
      name: 'state',
      type: "'present' | 'absent'",
      required: false,
      default: '"present"',
      description: 'present: make sure the line is there; absent: remove matching lines',
    });
    expect(d.args.find((a) => a.name === 'path')).toMatchObject({ type: 'string', required: true, default: undefined });
    expect(moduleReference(modules.apt).args.find((a) => a.name === 'name')?.type).toBe('string | string[]');
    const text = formatReference(moduleReference(modules.stat));
    expect(text.split('\n')).toEqual([
      'stat: A read-only fact of a path: type, mode, owner, group, size, link target, sha256',
      '',
      '  arg   type     default',
      '  path  string   (required)',
      '        Absolute path on the host',
      '  hash  boolean  false',
      '        Also compute the sha256 of a regular file',
    ]);
  });
});

describe('module READMEs', () => {
  it('name every arg of their module (docs cannot silently miss one)', async () => {
    const { readFileSync } = await import('node:fs');
    const missing = all
      .filter((m) => m.name !== 'package')
      .flatMap((m) => {
        const text = readFileSync(new URL(`./${m.name}/README.md`, import.meta.url), 'utf8');
        return moduleReference(m).args.filter((a) => !text.includes(`\`${a.name}\``)).map((a) => `${m.name}.${a.name}`);
      });
    expect(missing).toEqual([]);
  });
});
