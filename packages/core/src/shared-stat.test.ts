import { describe, expect, it } from 'vitest';
import { commandFact, type FactQuery } from './facts.js';
import { sharedPaths, statVar } from './shared-stat.js';

const fact = (paths?: string[]): FactQuery => ({ ...commandFact('k', 'true', () => 1), sigPaths: paths });
const pick = (f: FactQuery) => f.sigPaths;

describe('sharedPaths', () => {
  it('the distinct paths of the facts that name any, in order; none shared for fewer than two such facts', () => {
    expect(sharedPaths([fact(['/a', '/b']), fact(), fact(['/b', '/c'])], pick)).toEqual(['/a', '/b', '/c']);
    expect(sharedPaths([fact(['/a', '/b']), fact(), fact([])], pick)).toBeUndefined();
  });

  it('none shared above 256 paths (a batch that big reads them per fact)', () => {
    const names = (from: number, n: number) => Array.from({ length: n }, (_, i) => `/p${from + i}`);
    expect(sharedPaths([fact(names(0, 128)), fact(names(128, 128))], pick)).toHaveLength(256);
    expect(sharedPaths([fact(names(0, 128)), fact(names(128, 129))], pick)).toBeUndefined();
  });
});

describe('statVar', () => {
  it('a shell name of its own per prefix and path', () => {
    expect(statVar('__sg_', '/a b')).toMatch(/^__sg_[0-9a-f]{16}$/);
    expect(new Set([statVar('__sg_', '/a'), statVar('__sg_', '/b'), statVar('__sd_', '/a')]).size).toBe(3);
  });
});
