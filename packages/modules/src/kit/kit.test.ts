import { Overlay, isUnknownFact } from '@tsplay/core/module';
import { pathScript } from '@tsplay/core/transport';
import { describe, expect, it } from 'vitest';
import { defineFact, textFact } from './facts.js';
import { errorCodes } from './errors.js';
import { predictFile } from './predict.js';

describe('module kit', () => {
  it('predictFile computes size and sha256, and later text facts read the predicted content', () => {
    const st = predictFile('hello\n', { mode: 0o640, owner: 'etcd' });
    expect(st).toEqual({
      exists: true,
      type: 'file',
      size: 6,
      sha256: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03',
      mode: 0o640,
      owner: 'etcd',
    });
    const o = new Overlay();
    o.record({ paths: { '/etc/x': st } }, 'write x');
    expect(textFact('/etc/x').fromOverlay?.(o)).toEqual({ kind: 'text', text: 'hello\n' });
    o.record({ paths: { '/etc/y': { exists: true, type: 'file', sha256: 'f'.repeat(64) } } }, 'write y');
    expect(isUnknownFact(textFact('/etc/y').fromOverlay?.(o))).toBe(true);
    expect(textFact('/etc/z').fromOverlay?.(o)).toBeUndefined();
  });
  it("defineFact's statPath: set on the fact when its script is that path's plain probe, refused otherwise", () => {
    const plain = defineFact({
      module: 'mine',
      name: 'p',
      script: (p: string) => pathScript(p, false),
      parse: (r) => r.stdout,
      statPath: (p) => p,
    });
    expect(plain('/etc/a').statPath).toBe('/etc/a');
    const other = defineFact({ module: 'mine', name: 'q', script: (p: string) => `cat ${p}`, parse: (r) => r.stdout, statPath: (p) => p });
    expect(() => other('/etc/a')).toThrow(/mine\.q: a statPath fact's script must be pathScript/);
    expect(
      defineFact({ module: 'mine', name: 'r', script: (p: string) => pathScript(p, false), parse: (r) => r.stdout })('/etc/a').statPath,
    ).toBeUndefined();
  });
  it('defineFact namespaces keys by module and answers unknown for paths an earlier task changes', () => {
    const f = defineFact({ module: 'mine', name: 'conf', script: (p: string) => `cat ${p}`, parse: (r) => r.stdout, reads: (p) => [p] });
    expect(f('/etc/a').key).toBe('mine.conf(["/etc/a"])');
    const o = new Overlay();
    expect(f('/etc/a').fromOverlay?.(o)).toBeUndefined();
    o.record({ unknown: ['/etc'] }, 'run make');
    const v = f('/etc/a').fromOverlay?.(o);
    expect(isUnknownFact(v) && v.reason).toBe('depends on run make, which would change /etc');
  });
  it('errorCodes makes coded errors and rejects codes that are not UPPER_SNAKE', () => {
    const fail = errorCodes(['LINE_NOT_FOUND']);
    const e = fail('LINE_NOT_FOUND', 'no line', { field: 'regexp' });
    expect([e.code, e.field, e.message]).toEqual(['LINE_NOT_FOUND', 'regexp', 'no line']);
    expect(() => errorCodes(['Bad' as Uppercase<string>])).toThrow(/UPPER_SNAKE/);
  });
});
