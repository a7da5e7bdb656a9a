/**
 * `tsplay modules` and `tsplay modules NAME`, through the real CLI (bin/tsplay.js runs dist/: `pnpm build` first).
 * What it must print is derived here from the modules' own zod schemas, never written out.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import * as modules from '@tsplay/modules';
import type { AnyModule } from '@tsplay/core/module';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'tsplay.js');
const tsplay = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

const builtins = (Object.values(modules) as unknown[]).filter(
  (v): v is AnyModule => typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'tsplay-module',
);

type Js = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Js[];
  items?: Js;
  default?: unknown;
  properties?: Record<string, Js>;
  required?: string[];
};

/** Every word a schema's type is made of: its JSON types (integer is a number), enum and const values. */
function typeWords(s: Js): string[] {
  const own = [s.type ?? []].flat().map((t) => (t === 'integer' ? 'number' : t));
  const values = [...(s.enum ?? []), ...(s.const === undefined ? [] : [s.const])].map((v) => String(v));
  return [...own.filter((t) => t !== 'array'), ...values, ...(s.anyOf ?? []).flatMap(typeWords), ...(s.items ? typeWords(s.items) : [])];
}

describe('tsplay modules', () => {
  it('lists every built-in module with the one-line summary its args schema describes', () => {
    expect(builtins.length).toBeGreaterThanOrEqual(20);
    const r = tsplay('modules');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(new Set(builtins.map((m) => m.name)).size);
    for (const m of builtins) {
      const summary = m.args.description ?? '';
      expect(summary.length, m.name).toBeGreaterThan(10);
      expect(lines.find((l) => l.split(/\s{2,}/)[0] === m.name)?.replace(/^\S+\s+/, ''), m.name).toBe(summary);
    }
  });

  it("`modules copy` prints each arg of copy's schema with its type, its default or (required), and its description", () => {
    const r = tsplay('modules', 'copy');
    expect(r.status).toBe(0);
    const js = z.toJSONSchema(modules.copy.args, { unrepresentable: 'any', io: 'input' }) as Js;
    const props = Object.entries(js.properties ?? {});
    expect(props.length).toBeGreaterThanOrEqual(8);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`copy: ${modules.copy.args.description}`);
    for (const [name, s] of props) {
      const i = lines.findIndex((l) => l.trimStart().split(/\s+/)[0] === name);
      expect(i, name).toBeGreaterThan(0);
      const line = lines[i] as string;
      for (const w of typeWords(s)) expect(line, name).toContain(w);
      const required = (js.required ?? []).includes(name) && s.default === undefined;
      expect(
        line.trimEnd().endsWith(required ? '(required)' : s.default === undefined ? '-' : JSON.stringify(s.default)),
        `${name}: ${line}`,
      ).toBe(true);
      const description = (s as { description?: string }).description;
      if (description) expect(lines[i + 1]?.trim(), name).toBe(description);
    }
  });

  it('an unknown module is exit 1 with UNKNOWN_MODULE and the list of names', () => {
    const r = tsplay('modules', 'nosuch');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[UNKNOWN_MODULE]');
    for (const m of builtins) expect(r.stderr).toContain(m.name);
  });
});
