/**
 * apt / package on the lab hosts over SSH, from the lab's local Debian repository (no network beyond the
 * lab). Oracle: dpkg-query on the hosts. Check on a fresh host names exactly what the run installs,
 * a re-run changes nothing, a downgrade and a removal made by hand are predicted and repaired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { task } from '@tsplay/core';
import { installAptRepo } from '@tsplay/lab';
import { apt, pkg } from '@tsplay/modules';
import { lab, onAllHosts } from '../helpers/lab.js';
import { everyHost, fingerprint, playRun, removeRunState } from './run.js';

const PKGS = 'hello tree jq libjq1 libonig5';
const purge = `DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ${PKGS} >/dev/null 2>&1; true`;
const oracle = () =>
  fingerprint(
    `for p in ${PKGS}; do printf '%s %s\\n' "$p" "$(dpkg-query -W -f='\${Version} \${db:Status-Abbrev}' "$p" 2>/dev/null || echo none)"; done`,
  );

const TASKS = [
  task(pkg, { name: ['hello', 'tree'], updateCache: true, cacheValidTime: 3600 }, { name: 'tools' }),
  task(apt, { name: 'jq', state: 'latest' }, { name: 'jq latest' }),
];

beforeAll(async () => {
  await installAptRepo();
  await onAllHosts(`${purge}\napt-get update -q >/dev/null`, { become: true });
});
afterAll(async () => {
  await onAllHosts(purge, { become: true }).catch(() => undefined);
  await removeRunState();
});

describe('apt on lab hosts with the local repository', () => {
  it('check predicts a fresh run exactly; the run installs exactly those packages (dependencies too); a re-run changes nothing', async () => {
    const before = await oracle();
    const check = await playRun('apt-e2e', TASKS, { check: true });
    expect(check.statuses).toEqual(everyHost(['changed', 'changed']));
    expect(await oracle()).toEqual(before);
    const summary = check.events.flatMap((e) => (e.type === 'task.result' && e.host === lab().hosts[0]!.name ? [e.summary ?? ''] : []));
    expect(summary[1]).toMatch(/would install libonig5 .*would install libjq1 1\.6-2\.1\+deb12u3; would install jq 1\.6-2\.1\+deb12u3/);
    const real = await playRun('apt-e2e', TASKS);
    expect(real.statuses).toEqual(check.statuses);
    const after = await oracle();
    for (const h of lab().hosts) {
      expect(before[h.name]).toBe(
        PKGS.split(' ')
          .map((p) => `${p} none`)
          .join('\n') + '\n',
      );
      expect(after[h.name]).toBe(
        ['hello 2.10-3 ii ', 'tree 2.1.0-1 ii ', 'jq 1.6-2.1+deb12u3 ii ', 'libjq1 1.6-2.1+deb12u3 ii ', 'libonig5 6.9.8-1 ii '].join(
          '\n',
        ) + '\n',
      );
    }
    const again = await playRun('apt-e2e', TASKS);
    expect(again.statuses).toEqual(everyHost(['ok', 'ok']));
    expect(await oracle()).toEqual(after);
  });

  it('a downgrade and a removal made by hand are predicted and repaired', async () => {
    const converged = await oracle();
    await onAllHosts(
      `DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades jq=1.6-2.1+deb12u2 libjq1=1.6-2.1+deb12u2 >/dev/null && apt-get remove -y -q tree >/dev/null`,
      { become: true },
    );
    const check = await playRun('apt-e2e', TASKS, { check: true });
    expect(check.statuses).toEqual(everyHost(['changed', 'changed']));
    const fix = await playRun('apt-e2e', TASKS);
    expect(fix.statuses).toEqual(check.statuses);
    expect(await oracle()).toEqual(converged);
  });
});
