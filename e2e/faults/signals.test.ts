/**
 * Fault 5 of issue 9 on the lab: SIGINT to tsplay mid-run (the execs in flight finish, with the tasks that run
 * ahead in them; nothing new starts, the recap says interrupted, exit 130) and SIGKILL to tsplay mid-download (no partial file at any target; the next run
 * converges and leaves no temp file on any host).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, explain, hostNames, lab, newStateDir, partialFiles, resetAll } from './helpers.js';
import { faultRun, FILES_TASKS, scriptGone } from './fault-run.js';
import { ensureLab, throttle, unthrottle } from './host-control.js';

let stateDir: string;
const { runWithFault, expectConverges } = faultRun(() => stateDir);
/** The hosts whose unit (the last task) the run did not report. */
const unfinished = (r: CliRun): string[] => hostNames().filter((h) => !r.results.some((x) => x.host === h && x.task === 'etcd.service'));

beforeAll(async () => {
  await ensureLab(3); // a benchmark may have left a bigger lab up
  lab();
  stateDir = newStateDir('signals');
});

afterAll(async () => {
  await unthrottle(0);
  await resetAll().catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('signals to tsplay during a lab run', () => {
  it('5a. SIGINT mid-download: the exec in flight finishes on every host, nothing new starts, recap interrupted, exit 130; re-run converges', async () => {
    await resetAll();
    await throttle(0, '16mbit');
    const { r } = await runWithFault(1500, (live) => live.child.kill('SIGINT'));
    await unthrottle(0);
    expect(r.code, explain(r)).toBe(130);
    expect(r.recap?.interrupted).toBe(true);
    expect(r.recap?.outcome).toBe('interrupted');
    const h0 = hostNames()[0] as string;
    // controller-0 was still downloading: the exec in flight finished and what it applied was reported, in task
    // order, all changed: the download and the tasks that run ahead in the same exec (every task of this
    // playbook: the extraction of an archive the exec downloads, the directories, the files)
    const mine = r.results.filter((x) => x.host === h0).map((x) => [x.task, x.status]);
    expect(mine[0]).toEqual(['download etcd', 'changed']);
    expect(mine).toEqual(FILES_TASKS.slice(0, mine.length).map((t) => [t, 'changed']));
    expect(r.recap?.hosts[h0]?.changed).toBe(mine.length);
    // no task started after the interrupt
    const startedTasks = r.events.filter((e) => e.type === 'task.start').map((e) => (e as { task: string }).task);
    expect(FILES_TASKS.slice(0, startedTasks.length)).toEqual(startedTasks);
    for (const h of hostNames()) expect(r.recap?.hosts[h]?.failed).toBe(0);
    for (const h of lab().hosts) expect(await partialFiles(h.index)).toEqual([]);
    // the hosts not throttled may have finished every task before the interrupt (as in 5b): the re-run converges the others
    const again = await expectConverges(unfinished(r));
    // every task changes a fresh host once: what the interrupted run reported and what the re-run changed add up to
    // every task on every host, none twice (a task applied ahead in one exec before the interrupt is reported)
    for (const h of hostNames()) {
      const before = r.results.filter((x) => x.host === h && x.status === 'changed').map((x) => x.task);
      const after = again.changed.filter((c) => c.startsWith(`${h} › `)).map((c) => c.slice(`${h} › `.length));
      expect([...before, ...after].sort(), h).toEqual([...FILES_TASKS].sort());
    }
  });

  it('5b. SIGKILL mid-download: no partial file at any target; the next run converges and no temp file is left on any host', async () => {
    await resetAll();
    await throttle(0, '16mbit');
    const { r } = await runWithFault(1500, (live) => live.child.kill('SIGKILL'));
    await unthrottle(0);
    expect(r.signal).toBe('SIGKILL');
    expect(r.recap).toBeUndefined();
    const h0 = hostNames()[0] as string;
    expect(r.results.some((x) => x.host === h0)).toBe(false); // it died in the middle of controller-0's download
    for (const h of lab().hosts) await scriptGone(h.index);
    for (const h of lab().hosts) expect(await partialFiles(h.index)).toEqual([]);
    // controller-0 was killed in its download: it converges now. The others may have applied any of their tasks
    // (ahead, in one exec with an earlier one) without a word before the kill: the re-run changes at most them
    await expectConverges(
      [h0],
      unfinished(r).filter((h) => h !== h0),
    );
  });
});
