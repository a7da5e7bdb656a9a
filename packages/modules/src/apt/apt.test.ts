import { describe, expect, it } from 'vitest';
import { planTable } from '../kit/harness.js';
import { aptArgsSchema } from './args.js';
import { aptFact, parseApt } from './facts.js';
import { apt } from './index.js';

const SIM = `I jq 
A 120
NOTE: This is only a simulation!
Inst libonig5 (6.9.8-1 Debian:12/stable [amd64])
Inst libjq1 (1.6-2.1+deb12u3 Tsplay lab:local [amd64])
Inst jq [1.6-2.1+deb12u2] (1.6-2.1+deb12u3 Tsplay lab:local [amd64])
Conf libonig5 (6.9.8-1 Debian:12/stable [amd64])
Remv tree [2.1.0-1]
`;

describe('apt probe', () => {
  it('parses installed versions, the cache age and the simulated changes', () => {
    expect(parseApt(SIM)).toEqual({
      installed: { jq: undefined },
      cacheAge: 120,
      changes: [
        { op: 'install', name: 'libonig5', from: undefined, version: '6.9.8-1' },
        { op: 'install', name: 'libjq1', from: undefined, version: '1.6-2.1+deb12u3' },
        { op: 'install', name: 'jq', from: '1.6-2.1+deb12u2', version: '1.6-2.1+deb12u3' },
        { op: 'remove', name: 'tree', from: '2.1.0-1', version: undefined },
      ],
    });
  });
  it('keys the fact by its args and quotes names', () => {
    const f = aptFact(aptArgsSchema.parse({ name: ['jq', 'hello'], state: 'latest' }));
    expect(f.key).toBe(
      'apt.state([{"name":["jq","hello"],"state":"latest","updateCache":false,"cacheValidTime":0,"purge":false,"installRecommends":false}])',
    );
    expect(f.script).toContain("todo='jq hello'");
  });
});

const state = (installed: Record<string, string | undefined>, changes: unknown[] = [], cacheAge: number | undefined = 10) => ({
  apt: { installed, changes, cacheAge },
});

planTable(
  apt,
  [
    {
      name: 'installed is unchanged',
      args: { name: 'jq' },
      facts: state({ jq: '1.6' }),
      plan: { changed: false, summary: 'jq installed' },
    },
    {
      name: 'missing installs with its dependencies, predicted per package',
      args: { name: 'jq' },
      facts: state({ jq: undefined }, [
        { op: 'install', name: 'libjq1', version: '1.6' },
        { op: 'install', name: 'jq', version: '1.6' },
      ]),
      plan: {
        changed: true,
        summary: 'would install libjq1 1.6; would install jq 1.6',
        data: { update: false, command: 'apt-get install -y -q --no-install-recommends jq' },
        predict: { paths: { 'tsplay:package/jq': { exists: true, target: '1.6' }, 'tsplay:package/libjq1': { exists: true } } },
      },
    },
    {
      name: 'a fresh cache is not updated',
      args: { name: 'jq', updateCache: true, cacheValidTime: 3600 },
      facts: state({ jq: '1.6' }, [], 60),
      plan: { changed: false },
    },
    {
      name: 'an old cache is updated (run, not a change)',
      args: { name: 'jq', updateCache: true, cacheValidTime: 30 },
      facts: state({ jq: '1.6' }, [], 60),
      plan: { changed: false, run: true, data: { update: true } },
    },
    {
      name: 'absent removes',
      args: { name: 'jq', state: 'absent', purge: true },
      facts: state({ jq: '1.6' }, [{ op: 'remove', name: 'jq', from: '1.6' }]),
      plan: { changed: true, data: { command: 'apt-get purge -y -q jq' } },
    },
    {
      name: 'an unknown package is PACKAGE_NOT_FOUND naming name',
      args: { name: 'nosuch' },
      facts: state({ nosuch: undefined }),
      error: { code: 'PACKAGE_NOT_FOUND', field: 'name' },
    },
    { name: 'a bad name is an args error', args: { name: 'Bad Name' }, error: { code: 'ARGS_INVALID', field: 'name' } },
  ],
  { it, expect },
);
