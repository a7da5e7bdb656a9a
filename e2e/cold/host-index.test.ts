/**
 * The host's own signature index (issue 18's cold cache): a real run leaves its content-only answers
 * (sha256s, an archive's member hashes) in /var/cache/tsplay/sig on each host (the small files a converge
 * writes are recorded by its own exec: written.test.ts; large ones by the next real run), so a run from a new
 * workstation (empty state dir, no persisted connections) does not hash again. Oracles on the hosts:
 * `stat` of the index (root-only), its fingerprint around a --check (unchanged), and a host whose
 * `sha256sum` is broken on purpose: a cold run can only succeed there if it hashes nothing.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdArgs, explain, hostNames, lab, newStateDir, tsplay } from '../faults/helpers.js';
import { ensureLab } from '../faults/host-control.js';
import { fingerprintHost } from '../helpers/fingerprint.js';
import { hostOutput, onAllHosts } from '../helpers/lab.js';

const DIR = '/var/cache/tsplay/sig';
const COLD = { TSPLAY_PERSIST: '0' };
const dirs: string[] = [];
const fresh = (name: string): string => {
  const d = newStateDir(name);
  dirs.push(d);
  return d;
};
const BREAK =
  'mv /usr/bin/sha256sum /usr/bin/sha256sum.real && printf "#!/bin/sh\\necho broken >&2\\nexit 99\\n" > /usr/bin/sha256sum && chmod 755 /usr/bin/sha256sum';
const MEND = 'if [ -e /usr/bin/sha256sum.real ]; then mv -f /usr/bin/sha256sum.real /usr/bin/sha256sum; fi';

beforeAll(async () => {
  await ensureLab(3);
  lab();
  await onAllHosts(`${MEND}; rm -rf /var/cache/tsplay`, { become: true });
});

afterAll(async () => {
  await onAllHosts(MEND, { become: true });
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("the host's signature index", () => {
  it('a real run leaves a root-only index; a cold --check reads it and changes nothing, itself included', async () => {
    const ws = fresh('idx-converge');
    const converge = await tsplay(etcdArgs(), { stateDir: ws });
    expect(converge.code, explain(converge)).toBe(0);
    // a converge records the small files it writes; the next real run records the large ones
    const rerun = await tsplay(etcdArgs(), { stateDir: ws });
    expect(rerun.code, explain(rerun)).toBe(0);
    expect(rerun.changed).toEqual([]);
    for (const h of hostNames()) {
      const st = await hostOutput(
        h,
        `stat -c '%a %U:%G' ${DIR}; find ${DIR} -type f -printf '%m %u %f\\n' | sort | uniq -c | wc -l; find ${DIR} -type f ! -perm 600 | wc -l; find ${DIR} -name '.*' | wc -l`,
        { become: true },
      );
      const [mode, kinds, loose, temps] = st.trim().split('\n');
      expect(mode).toBe('700 root:root');
      expect(Number(kinds)).toBeGreaterThan(0);
      expect(Number(loose)).toBe(0);
      expect(Number(temps)).toBe(0);
    }
    const before = await Promise.all(hostNames().map((_, i) => fingerprintHost(i, { roots: ['/var/cache/tsplay'] })));
    const check = await tsplay([...etcdArgs(), '--check'], { stateDir: fresh('idx-check'), env: COLD });
    expect(check.code, explain(check)).toBe(0);
    expect(check.changed).toEqual([]);
    const after = await Promise.all(hostNames().map((_, i) => fingerprintHost(i, { roots: ['/var/cache/tsplay'] })));
    expect(after).toEqual(before);
  });

  it('with sha256sum broken on one host, a cold run succeeds from the index and changes nothing; without the index it cannot', async () => {
    const h0 = hostNames()[0] as string;
    try {
      await hostOutput(h0, BREAK, { become: true });
      expect((await hostOutput(h0, 'sha256sum /etc/hostname; echo "exit $?"')).trim()).toMatch(/exit 99$/);
      const cold = await tsplay(etcdArgs(), { stateDir: fresh('idx-cold'), env: COLD });
      expect(cold.code, explain(cold)).toBe(0);
      expect(cold.changed).toEqual([]);

      // the same cold check without the index on that host has to hash, and cannot
      await hostOutput(h0, 'rm -rf /var/cache/tsplay', { become: true });
      const blind = await tsplay([...etcdArgs(), '--check'], { stateDir: fresh('idx-blind'), env: COLD });
      const onH0 = blind.results.filter((r) => r.host === h0 && (r.status === 'failed' || r.changed || r.status === 'unknown'));
      expect(onH0.length, explain(blind)).toBeGreaterThan(0);
    } finally {
      await hostOutput(h0, MEND, { become: true });
    }
    // mended: a real run rebuilds that host's index
    const again = await tsplay(etcdArgs(), { stateDir: fresh('idx-again'), env: COLD });
    expect(again.code, explain(again)).toBe(0);
    expect(again.changed).toEqual([]);
    expect(Number((await hostOutput(h0, `find ${DIR} -type f | wc -l`, { become: true })).trim())).toBeGreaterThan(0);
  });
});
