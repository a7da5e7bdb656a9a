/**
 * group, user and authorized_key on the lab hosts over SSH. Oracle: getent, id, stat and sha256sum on the
 * hosts. Check on a fresh host predicts the run exactly (the user joins a group, and gets a key in a home,
 * that only earlier tasks of the same check would create), a re-run changes nothing, drift is repaired.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { task } from '@tsplay/core';
import { authorizedKey, group, user } from '@tsplay/modules';
import { lab, onAllHosts } from '../helpers/lab.js';
import { everyHost, fingerprint, playRun, removeRunState, statScript } from './run.js';

const G = 'tsplay-ops';
const U = 'tsplay-alice';
const HOME = `/home/${U}`;
const KEYS = `${HOME}/.ssh/authorized_keys`;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGc7l1kQ5r4vVYt0b8Y8uGQ0cEJ2dAqhYV6b6S4pLy3P alice@e2e';

const reset = () => onAllHosts(`userdel -r ${U} 2>/dev/null; groupdel ${U} 2>/dev/null; groupdel ${G} 2>/dev/null; true`, { become: true });
const oracle = () =>
  fingerprint(
    `getent group ${G} || echo 'no group'\n{ getent passwd ${U} || echo 'no user'; } | cut -d: -f1,5-7\nid -Gn ${U} 2>&1\n${statScript([HOME, `${HOME}/.ssh`, KEYS])}`,
  );

const TASKS = [
  task(group, { name: G, gid: 2345 }, { name: 'group' }),
  task(user, { name: U, groups: [G], shell: '/bin/bash', comment: 'Alice E2E' }, { name: 'user' }),
  task(authorizedKey, { user: U, key: KEY }, { name: 'key' }),
];
const REMOVE = [
  task(user, { name: U, state: 'absent', remove: true }, { name: 'remove user' }),
  task(group, { name: G, state: 'absent' }, { name: 'remove group' }),
];

beforeAll(reset);
afterAll(async () => {
  await reset();
  await removeRunState();
});

describe('account modules on lab hosts', () => {
  it('check predicts a fresh run exactly and mutates nothing; the run makes exactly the accounts and files; a re-run changes nothing', async () => {
    const before = await oracle();
    const check = await playRun('accounts-e2e', TASKS, { check: true });
    expect(check.statuses).toEqual(everyHost(['changed', 'changed', 'changed']));
    expect(await oracle()).toEqual(before);
    const real = await playRun('accounts-e2e', TASKS);
    expect(real.statuses).toEqual(check.statuses);
    const after = await oracle();
    const sha = createHash('sha256').update(`${KEY}\n`).digest('hex').slice(0, 16);
    for (const h of lab().hosts) {
      expect(before[h.name]!.split('\n').slice(0, 3)).toEqual(['no group', 'no user', expect.stringMatching(/no such user/)]);
      const lines = after[h.name]!.split('\n');
      expect(lines.slice(0, 3)).toEqual([`${G}:x:2345:${U}`, `${U}:Alice E2E:${HOME}:/bin/bash`, `${U} ${G}`]);
      expect(lines[3]).toMatch(new RegExp(`^${HOME} 755 ${U}:${U} `));
      expect(lines[4]).toMatch(new RegExp(`^${HOME}/.ssh 700 ${U}:${U} `));
      expect(lines[5]).toBe(`${KEYS} 600 ${U}:${U} ${KEY.length + 1} ${sha} `);
    }
    const again = await playRun('accounts-e2e', TASKS);
    expect(again.statuses).toEqual(everyHost(['ok', 'ok', 'ok']));
    expect(await oracle()).toEqual(after);
  });

  it('drift (shell, a lost group, a loose key file) is predicted and repaired; removal is predicted and done', async () => {
    const converged = await oracle();
    await onAllHosts(`usermod -s /bin/sh ${U} && gpasswd -d ${U} ${G} >/dev/null && chmod 644 ${KEYS}`, { become: true });
    const check = await playRun('accounts-e2e', TASKS, { check: true });
    expect(check.statuses).toEqual(everyHost(['ok', 'changed', 'changed']));
    const fix = await playRun('accounts-e2e', TASKS);
    expect(fix.statuses).toEqual(check.statuses);
    expect(await oracle()).toEqual(converged);
    const removeCheck = await playRun('accounts-remove-e2e', REMOVE, { check: true });
    expect(removeCheck.statuses).toEqual(everyHost(['changed', 'changed']));
    expect((await playRun('accounts-remove-e2e', REMOVE)).statuses).toEqual(removeCheck.statuses);
    const gone = await oracle();
    for (const h of lab().hosts)
      expect(gone[h.name]!.split('\n').slice(0, 4)).toEqual([
        'no group',
        'no user',
        expect.stringMatching(/no such user/),
        `${HOME} absent`,
      ]);
  });
});
