/**
 * block/rescue/always on the 3 lab hosts: the order of the steps is proven by a file each step appends
 * to on the host; a rescued host ends ok (rescued=1), a failing rescue fails the host while always
 * still runs; --check on a fresh host predicts each status exactly or says unknown.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  block,
  definePlaybook,
  loadInventory,
  runPlaybook,
  sh,
  task,
  type Inventory,
  type Play,
  type RunEvent,
  type RunOptions,
} from '@tsplay/core';
import { command, copy, file } from '@tsplay/modules';
import { lab, onAllHosts } from '../helpers/lab.js';
import { connectHost } from '../helpers/connect.js';

const ROOT = '/var/tmp/tsplay-block';
let inv: Inventory;

async function run(plays: Play[], extra: Partial<RunOptions> = {}) {
  inv ??= await loadInventory(lab().inventoryFile);
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: definePlaybook({ name: 'block-e2e', plays }),
    inventory: inv,
    connect: (h) => connectHost(h),
    emit: (e) => events.push(e),
    forks: 10,
    ...extra,
  });
  return { summary, results: events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result') };
}

const append = (name: string, fail = false) =>
  task(command, { cmd: fail ? sh`echo ${name} >> ${ROOT}/order; exit 3` : sh`echo ${name} >> ${ROOT}/order` }, { name });
/** Each host's order file, as the hosts have it. */
const orders = async () =>
  (await onAllHosts(`cat ${ROOT}/order 2>/dev/null`, { become: true })).map((r) => r.stdout.trim().split('\n').filter(Boolean));

function play(failIn: 'block' | 'rescue'): Play {
  return {
    name: 'b',
    hosts: 'all',
    become: true,
    tasks: [
      ...block({
        name: 'change',
        tasks: [append('one'), append('two', failIn === 'block' || failIn === 'rescue'), append('three')],
        rescue: [append('undo', failIn === 'rescue'), append('undo2')],
        always: [append('clean')],
      }),
      append('after'),
    ],
  };
}

beforeEach(async () => {
  await onAllHosts(`rm -rf ${ROOT} && mkdir -p ${ROOT}`, { become: true });
});

describe('block/rescue/always on lab hosts', () => {
  it('a failing task runs rescue then always; the host ends ok and counts rescued', async () => {
    const { summary } = await run([play('block')]);
    expect(await orders()).toEqual(Array(3).fill(['one', 'two', 'undo', 'undo2', 'clean', 'after']));
    expect(summary.outcome).toBe('changed');
    for (const h of inv.hosts) expect(summary.recap[h.name]).toMatchObject({ failed: 0, rescued: 1 });
  });

  it('a failing rescue fails the host; always still runs, nothing after the block does', async () => {
    const { summary } = await run([play('rescue')]);
    expect(await orders()).toEqual(Array(3).fill(['one', 'two', 'undo', 'clean']));
    expect(summary.outcome).toBe('failed');
    for (const h of inv.hosts) expect(summary.recap[h.name]).toMatchObject({ failed: 1, rescued: 0 });
  });

  it('--check on a fresh host predicts each status exactly, or says unknown (never a wrong guess)', async () => {
    const fresh: Play = {
      name: 'fresh',
      hosts: 'all',
      become: true,
      tasks: block({
        name: 'install',
        tasks: [
          task(file, { path: `${ROOT}/d`, state: 'directory' }, { name: 'dir' }),
          task(copy, { dest: `${ROOT}/d/conf`, content: 'x\n' }, { name: 'conf' }),
          // a probe (runs in check mode too) that reads what the block writes: unknown in check mode
          task(command, { cmd: sh`test -s ${ROOT}/d/conf && exit 4`, readOnly: true, reads: [`${ROOT}/d/conf`] }, { name: 'fails' }),
        ],
        rescue: [task(copy, { dest: `${ROOT}/d/rescued`, content: 'r\n' }, { name: 'mark' })],
        always: [task(file, { path: `${ROOT}/d/always`, state: 'touch' }, { name: 'always' })],
      }),
    };
    const checked = await run([fresh], { check: true });
    expect((await onAllHosts(`ls -A ${ROOT}`, { become: true })).map((r) => r.stdout.trim())).toEqual(['', '', '']);
    const real = await run([fresh]);
    expect((await onAllHosts(`ls -1 ${ROOT}/d | sort | tr '\\n' ' '`, { become: true })).map((r) => r.stdout.trim())).toEqual(
      Array(3).fill('always conf rescued'),
    );
    const key = (r: { host: string; task: string }) => `${r.host}/${r.task}`;
    const realBy = new Map(real.results.map((r) => [key(r), r.status]));
    const predicted = checked.results.map((r) => [key(r), r.status] as const);
    expect(predicted.map(([k]) => k).sort()).toEqual(real.results.map(key).sort());
    for (const [k, status] of predicted) if (status !== 'unknown') expect([k, status]).toEqual([k, realBy.get(k)]);
    // the probe reads a file the block would write: unknown, so its rescue is unknown too (never guessed)
    expect(checked.results.filter((r) => r.task === 'fails').map((r) => r.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(checked.results.filter((r) => r.task === 'mark').map((r) => r.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(real.summary.recap[inv.hosts[0]?.name as string]).toMatchObject({ failed: 0, rescued: 1 });
  });
});
