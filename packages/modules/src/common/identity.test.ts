import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IDENTITY_SCAN_LINES, identityScript } from './identity.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run as `user` (root: this process) under sh, as a fact runs on a host. */
function sh(script: string, user?: string): string {
  const argv = user ? ['runuser', '-u', user, '--', 'sh', '-c', script] : ['sh', '-c', script];
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function files(passwd: string, group: string): { passwd: string; group: string } {
  const f = { passwd: join(dir, `passwd-${Math.random()}`), group: join(dir, `group-${Math.random()}`) };
  writeFileSync(f.passwd, passwd, { mode: 0o644 });
  writeFileSync(f.group, group, { mode: 0o644 });
  return f;
}

describe('the identity fact without processes (the oracle: id -un; id -gn)', () => {
  it('prints what id prints, for root and for an unprivileged user', () => {
    expect(sh(identityScript())).toBe(sh('id -un; id -gn'));
    expect(sh(identityScript(), 'nobody')).toBe(sh('id -un; id -gn', 'nobody'));
  });

  it('reads the names from the files (the first entry of the uid and the gid), not from a process', () => {
    const f = files('toor:x:0:0::/root:/bin/sh\nroot:x:0:0::/root:/bin/sh\n', 'wheel:x:0:\n');
    expect(sh(identityScript(f))).toBe('toor\nwheel\n');
  });

  it(`asks id when the entry is not within the first ${IDENTITY_SCAN_LINES} lines, is a compat entry, or a file is missing`, () => {
    const id = sh('id -un; id -gn');
    const filler = Array.from({ length: IDENTITY_SCAN_LINES }, (_, i) => `u${i}:x:${50_000 + i}:${50_000 + i}::/:/bin/sh\n`).join('');
    expect(sh(identityScript(files(`${filler}toor:x:0:0::/:/bin/sh\n`, `${filler}wheel:x:0:\n`)))).toBe(id);
    expect(sh(identityScript(files('+toor:x:0:0::/:/bin/sh\n', '-wheel:x:0:\n')))).toBe(id);
    expect(sh(identityScript({ passwd: join(dir, 'none'), group: join(dir, 'none') }))).toBe(id);
  });
});
