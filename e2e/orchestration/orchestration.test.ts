/**
 * The engine's orchestration on 5 real lab hosts over SSH: serial batches (proven from the hosts' own
 * journal timestamps), maxFailPercentage, runOnce (a counter file), delegateTo (the file lands on the
 * delegate) and loops (3 files; --check on a fresh host predicts exactly those 3). Oracles are the hosts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
import { command, copy, file, systemd } from '@tsplay/modules';
import { labUp } from '@tsplay/lab';
import { hostOutput, lab, onAllHosts } from '../helpers/lab.js';
import { overlapOf, restartWindows } from './journal.js';
import { connectHost } from '../helpers/connect.js';

const UNIT = 'tsplay-e2e-serial';
const ROOT = '/var/tmp/tsplay-orch';
let inv: Inventory;
let names: string[];

async function run(plays: Play[], extra: Partial<RunOptions> = {}) {
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: definePlaybook({ name: 'orch-e2e', plays }),
    inventory: inv,
    connect: (h) => connectHost(h),
    emit: (e) => events.push(e),
    forks: 10,
    ...extra,
  });
  return { summary, results: events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result') };
}

/** `ls` of ROOT on every host, in host order (the oracle for "touched or not"). */
const listings = async () =>
  (await onAllHosts(`ls -1 ${ROOT} 2>/dev/null | sort`, { become: true })).map((r) => r.stdout.trim().split('\n').filter(Boolean));

beforeAll(async () => {
  await labUp({ hosts: 5 });
  inv = await loadInventory(lab().inventoryFile);
  names = inv.hosts.map((h) => h.name);
  const unit = `[Unit]\nDescription=tsplay e2e serial\n[Service]\nExecStartPre=/bin/sleep 1\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n`;
  await onAllHosts(
    `rm -rf ${ROOT}; mkdir -p ${ROOT}; printf '%s' '${unit}' > /etc/systemd/system/${UNIT}.service && systemctl daemon-reload && systemctl start ${UNIT}`,
    { become: true },
  );
}, 600_000);

afterAll(async () => {
  await onAllHosts(`systemctl stop ${UNIT}; rm -f /etc/systemd/system/${UNIT}.service; systemctl daemon-reload; rm -rf ${ROOT}`, {
    become: true,
  }).catch(() => undefined);
  await labUp({ hosts: 3 });
}, 600_000);

describe('orchestration on 5 lab hosts', () => {
  it('serial: 2 restarts the unit on at most 2 hosts at once (from the journals)', async () => {
    const since = Number((await hostOutput(0, 'date +%s.%N')).trim());
    const restart = task(systemd, { name: UNIT, state: 'restarted' }, { name: 'restart' });
    const { summary } = await run([{ name: 'roll', hosts: 'all', serial: 2, become: true, tasks: [restart] }]);
    expect(summary.outcome).toMatch(/^(ok|changed)$/);
    const journals = await onAllHosts(`journalctl -u ${UNIT} -o short-unix --no-pager --since @${Math.floor(since)}`, { become: true });
    const windows = journals.map((j) => restartWindows(j.stdout, since));
    expect(windows.map((w) => w.length)).toEqual([1, 1, 1, 1, 1]);
    const overlap = overlapOf(windows.flat());
    expect(overlap).toBe(2); // 2 at once in a batch, never 3
  });

  it('maxFailPercentage: 0 — a failure in batch 1 leaves the later batches untouched', async () => {
    const mark = task(command, (c) => ({ cmd: c.host.name === names[1] ? 'exit 7' : sh`touch ${ROOT}/mfp-${c.host.name}` }), {
      name: 'mark',
    });
    const { summary } = await run([{ name: 'mfp', hosts: 'all', serial: 2, maxFailPercentage: 0, become: true, tasks: [mark] }]);
    expect(summary.outcome).toBe('failed');
    const ls = await listings();
    expect(ls.map((l) => l.filter((f) => f.startsWith('mfp-')))).toEqual([[`mfp-${names[0]}`], [], [], [], []]);
  });

  it('runOnce runs once (a counter file on the hosts)', async () => {
    const once = task(command, { cmd: sh`echo once >> ${ROOT}/counter` }, { name: 'count', runOnce: true });
    const { summary } = await run([{ name: 'once', hosts: 'all', become: true, tasks: [once] }]);
    expect(summary.outcome).toMatch(/^(ok|changed)$/);
    const counts = await onAllHosts(`cat ${ROOT}/counter 2>/dev/null | wc -l`, { become: true });
    expect(counts.map((c) => Number(c.stdout.trim()))).toEqual([1, 0, 0, 0, 0]);
    expect(names.map((n) => summary.resultOf(n, once)?.changed)).toEqual([true, true, true, true, true]);
  });

  it('delegateTo writes on the delegate, not on the current host', async () => {
    const t = task(copy, (c) => ({ dest: `${ROOT}/from-${c.host.name}`, content: `${c.host.name}\n` }), {
      name: 'deleg',
      delegateTo: names[0] as string,
    });
    const { summary, results } = await run([{ name: 'deleg', hosts: `${names[3]}:${names[4]}`, become: true, tasks: [t] }]);
    expect(summary.outcome).toMatch(/^(ok|changed)$/);
    expect(results.map((r) => r.delegatedTo)).toEqual([names[0], names[0]]);
    const ls = await listings();
    expect(ls[0]?.filter((f) => f.startsWith('from-'))).toEqual([`from-${names[3]}`, `from-${names[4]}`]);
    expect([ls[3], ls[4]].map((l) => l?.filter((f) => f.startsWith('from-')))).toEqual([[], []]);
    expect((await hostOutput(0, `cat ${ROOT}/from-${names[4]}`, { become: true })).trim()).toBe(names[4]);
  });

  it('a loop over 3 items creates 3 files; --check on a fresh host predicts exactly those 3', async () => {
    const loop = task(copy, (c) => ({ dest: `${ROOT}/loop/${String(c.item)}`, content: `${String(c.item)}\n` }), {
      name: 'items',
      loop: ['a', 'b', 'c'],
    });
    const plays: Play[] = [
      {
        name: 'loop',
        hosts: names[2] as string,
        become: true,
        tasks: [task(file, { path: `${ROOT}/loop`, state: 'directory' }, { name: 'dir' }), loop],
      },
    ];
    await hostOutput(2, `rm -rf ${ROOT}/loop`, { become: true });
    const check = await run(plays, { check: true });
    expect(check.summary.outcome).toBe('changed');
    expect(check.results.filter((r) => r.task === 'items').map((r) => `${r.item}:${r.status}`)).toEqual([
      'a:changed',
      'b:changed',
      'c:changed',
    ]);
    expect((await listings())[2]).not.toContain('loop'); // check changed nothing
    const real = await run(plays);
    expect(real.summary.outcome).toBe('changed');
    expect(real.results.filter((r) => r.task === 'items' && r.changed).map((r) => r.item)).toEqual(['a', 'b', 'c']);
    const after = await hostOutput(2, `cd ${ROOT}/loop && for f in *; do printf '%s=%s\\n' "$f" "$(cat "$f")"; done`, { become: true });
    expect(after.trim().split('\n')).toEqual(['a=a', 'b=b', 'c=c']);
    const again = await run(plays, { check: true });
    expect(again.results.filter((r) => r.task === 'items').map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
  });
});
