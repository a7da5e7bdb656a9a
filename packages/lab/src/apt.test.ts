import { describe, expect, test } from 'vitest';
import { privateAptOptions, suiteSourcesList } from './apt.js';

describe('apt for another suite', () => {
  test('a one-line source signed by the Debian archive keyring', () => {
    expect(suiteSourcesList('http://example.org/debian', 'trixie')).toBe(
      'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://example.org/debian trixie main\n',
    );
  });

  test('sources, lists and caches all point into the private dir', () => {
    const o = privateAptOptions('/tmp/x');
    expect(o).toEqual([
      '-o',
      'Dir::Etc::SourceList=/tmp/x/sources.list',
      '-o',
      'Dir::Etc::SourceParts=/tmp/x/sources.list.d',
      '-o',
      'Dir::State::Lists=/tmp/x/lists',
      '-o',
      'Dir::Cache=/tmp/x/cache',
      '-o',
      'APT::Sandbox::User=root',
    ]);
    expect(o.filter((x) => x.startsWith('Dir::')).every((x) => x.includes('=/tmp/x/'))).toBe(true);
  });
});
