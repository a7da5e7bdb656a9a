/**
 * The modules' writes go through core's safe write, on the lab hosts over SSH (become root). The oracle is
 * each host's own `stat`/`ls`/`cat`:
 * - copy (plain and with backup), template and file touch/mode into a directory any user can rename in
 *   (0777, no sticky bit) fail with UNSAFE_PATH naming it and leave nothing there;
 * - in a directory of the lab's `admin` user, a file owned by admin is written and touched as admin;
 * - secret content written without mode is 0600 over an old 0644 file, as check mode predicts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secret, task, type RunEvent } from '@tsplay/core';
import { copy, file, template, templateArgs } from '@tsplay/modules';
import { onAllHosts } from '../helpers/lab.js';
import { everyHost, fingerprint, playRun, removeRunState } from './run.js';

const OPEN = '/tmp/tsplay-e2e-open';
const ADMIN = '/tmp/tsplay-e2e-admin';
const SECRET = '/etc/tsplay-e2e-secret.pem';

const reset = () => onAllHosts(`rm -rf ${OPEN} ${ADMIN} ${SECRET}`, { become: true });

beforeAll(async () => {
  await reset();
  await onAllHosts(
    `mkdir ${OPEN} ${ADMIN} && chmod 0777 ${OPEN} && chown admin:admin ${ADMIN} && printf 'old\\n' > ${SECRET} && chmod 0644 ${SECRET}`,
    { become: true },
  );
});
afterAll(async () => {
  await reset();
  await removeRunState();
});

const failures = (events: readonly RunEvent[]) =>
  events.flatMap((e) =>
    e.type === 'task.result' && e.status === 'failed' && 'error' in e && e.error ? [{ code: e.error.code, field: e.error.field }] : [],
  );

describe('safe writes of the modules on lab hosts', () => {
  it('refuses a directory any user can rename in: UNSAFE_PATH naming it, nothing written there', async () => {
    const unit = (v: { n: number }) => `n=${v.n}\n`;
    const tasks = [
      task(copy, { dest: `${OPEN}/plain.conf`, content: 'plain\n' }, { name: 'copy plain' }),
      task(copy, { dest: `${OPEN}/backup.conf`, content: 'b\n', backup: true }, { name: 'copy backup' }),
      task(template, templateArgs({ dest: `${OPEN}/t.conf`, template: unit, vars: { n: 1 }, validate: 'test -s %s' }), {
        name: 'template validate',
      }),
      task(file, { path: `${OPEN}/touched`, state: 'touch' }, { name: 'touch' }),
    ];
    for (const t of tasks) {
      const run = await playRun('unsafe-dir', [t]);
      expect(run.statuses).toEqual(everyHost(['failed']));
      expect(failures(run.events)).toEqual(Object.keys(run.statuses).map(() => ({ code: 'UNSAFE_PATH', field: OPEN })));
    }
    const left = await fingerprint(`ls -A ${OPEN} | wc -l; stat -c %a ${OPEN}`);
    expect(Object.values(left)).toEqual(Object.keys(left).map(() => '0\n777\n'));
  });

  it("in the admin user's own directory, a file owned by admin is written and touched as admin", async () => {
    const tasks = [
      task(copy, { dest: `${ADMIN}/a.conf`, content: 'a\n', owner: 'admin', mode: '0640' }, { name: 'copy as admin' }),
      task(file, { path: `${ADMIN}/t`, state: 'touch', owner: 'admin' }, { name: 'touch as admin' }),
    ];
    const run = await playRun('owner-dir', tasks);
    expect(run.statuses).toEqual(everyHost(['changed', 'changed']));
    const st = await fingerprint(`stat -c '%n %a %U:%G' ${ADMIN}/a.conf ${ADMIN}/t; cat ${ADMIN}/a.conf`);
    expect(Object.values(st)).toEqual(Object.keys(st).map(() => `${ADMIN}/a.conf 640 admin:admin\n${ADMIN}/t 644 admin:admin\na\n`));
    expect((await playRun('owner-dir', tasks)).statuses).toEqual(everyHost(['ok', 'ok']));
  });

  it('secret content written without mode is 0600 over an old 0644 file, as check predicts; a re-run is ok', async () => {
    const key = task(copy, { dest: SECRET, content: secret('KEY-material-e2e\n') }, { name: 'secret key' });
    const check = await playRun('secret-mode', [key], { check: true });
    expect(check.statuses).toEqual(everyHost(['changed']));
    const oracle = () => fingerprint(`stat -c '%a %U:%G' ${SECRET}; cat ${SECRET}`);
    expect(Object.values(await oracle())).toEqual(Object.keys(check.statuses).map(() => '644 root:root\nold\n'));
    expect((await playRun('secret-mode', [key])).statuses).toEqual(everyHost(['changed']));
    expect(Object.values(await oracle())).toEqual(Object.keys(check.statuses).map(() => '600 root:root\nKEY-material-e2e\n'));
    expect((await playRun('secret-mode', [key])).statuses).toEqual(everyHost(['ok']));
  });
});
