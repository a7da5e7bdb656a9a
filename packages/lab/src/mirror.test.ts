import { describe, expect, test } from 'vitest';
import { findMirror } from './mirror.js';

const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.mirror.example/debian-security
Suites: bookworm-security
Components: main
`;

describe('findMirror', () => {
  test.each([
    ['deb822 .sources (this machine)', [{ name: 'debian.sources', text: DEB822 }], 'http://mirror.example/debian'],
    [
      'one-line .list with options and a trailing slash',
      [{ name: 'sources.list', text: '# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main\n' }],
      'http://mirror.example/debian',
    ],
    [
      'security-only sources are skipped',
      [{ name: 'sec.list', text: 'deb http://security.mirror.example/debian-security bookworm-security main\n' }],
      undefined,
    ],
    [
      'disabled deb822 paragraph and deb-src are skipped',
      [
        {
          name: 'a.sources',
          text: 'Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no\n\nTypes: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\n',
        },
        { name: 'b.sources', text: DEB822 },
      ],
      'http://mirror.example/debian',
    ],
    [
      'files with other extensions are ignored',
      [{ name: 'x.list.disabled-by-farm', text: 'deb https://other.example/apt bookworm main\n' }],
      undefined,
    ],
  ])('%s', (_name, files, expected) => {
    expect(findMirror(files)).toBe(expected);
  });
});
