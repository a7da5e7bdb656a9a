/**
 * retries/until on any task, and throttle, on the 3 lab hosts. A `uri` task retries until a web server
 * that starts serving 3 s late answers: the host's journal (the unit's start) and the server's access
 * log prove it tried before and succeeded after. Throttle: the hosts' own clocks in files show at most
 * N at once (and without throttle, all 3 at once: the oracle can see overlap).
 */
import { describe, expect, it } from 'vitest';
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
import { command, uri } from '@tsplay/modules';
import { hostOutput, lab, onAllHosts } from '../helpers/lab.js';
import { overlapOf } from './journal.js';
import { connectHost } from '../helpers/connect.js';

const ROOT = '/var/tmp/tsplay-retry';
const UNIT = 'tsplay-e2e-late';
const PORT = 18777;
let inv: Inventory;

async function run(plays: Play[], extra: Partial<RunOptions> = {}) {
  inv ??= await loadInventory(lab().inventoryFile);
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: definePlaybook({ name: 'retry-e2e', plays }),
    inventory: inv,
    connect: (h) => connectHost(h),
    emit: (e) => events.push(e),
    forks: 10,
    ...extra,
  });
  return { summary, events, results: events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result') };
}

describe('retries and throttle on lab hosts', () => {
  it('a uri task retries until a service that starts late answers (journal + access log)', async () => {
    inv ??= await loadInventory(lab().inventoryFile);
    const host = inv.hosts[0]?.name as string;
    await hostOutput(
      0,
      `systemctl stop ${UNIT}.service 2>/dev/null; systemctl reset-failed ${UNIT}.service 2>/dev/null; rm -rf ${ROOT}; mkdir -p ${ROOT} && echo ready > ${ROOT}/ready.txt; true`,
      { become: true },
    );
    const armed = Number((await hostOutput(0, 'date +%s.%N')).trim());
    // the service starts now and serves 3 s later (python -u: its "Serving HTTP" line is in the journal at once)
    await hostOutput(
      0,
      `systemd-run --unit ${UNIT} sh -c 'sleep 3; exec python3 -u -m http.server ${PORT} --bind 127.0.0.1 --directory ${ROOT}'`,
      { become: true },
    );
    const probe = task(
      uri,
      { url: `http://127.0.0.1:${PORT}/ready.txt`, timeoutMs: 2000 },
      { name: 'health', retries: 40, delayMs: 300, until: (r) => r.status === 'ok' },
    );
    const { summary, results, events } = await run([{ name: 'wait', hosts: host, tasks: [probe] }]);
    const done = Date.now() / 1000;
    const journal = await hostOutput(0, `journalctl -u ${UNIT}.service -o short-unix --no-pager --since @${Math.floor(armed)}`, {
      become: true,
    });
    await hostOutput(0, `systemctl stop ${UNIT}.service; true`, { become: true });
    expect(summary.outcome, `${JSON.stringify(results.map((r) => [r.status, r.msg, r.attempts]))}\n${journal}`).toBe('ok');
    const attempts = results[0]?.attempts ?? 0;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.type === 'log' && /did not settle/.test(e.message))).toHaveLength(attempts - 1);
    // the journal: the server began serving 3 s after it was armed, and before the task ended
    const started = journal
      .split('\n')
      .map((l) => /^(\d+\.\d+)\s.*Serving HTTP\b/.exec(l))
      .find(Boolean);
    const at = Number(started?.[1]);
    expect(at - armed).toBeGreaterThanOrEqual(2.5);
    expect(at).toBeLessThan(done);
    // the access log (python's, in the journal): exactly the answered try, a 200
    const hits = journal.split('\n').filter((l) => l.includes('GET /ready.txt'));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(/" 200 /);
  });

  it("throttle: 1 runs the task on one host at a time, free or linear; without it, linear, all 3 overlap (hosts' clocks)", async () => {
    const stamp = (name: string, throttle?: number) =>
      task(
        command,
        { cmd: sh`mkdir -p ${ROOT}; date +%s.%N > ${ROOT}/${name}.start; sleep 1; date +%s.%N > ${ROOT}/${name}.end` },
        { name, ...(throttle ? { throttle } : {}) },
      );
    const windows = async (name: string) =>
      (await onAllHosts(`cat ${ROOT}/${name}.start ${ROOT}/${name}.end`, { become: true })).map((r) => {
        const [from, to] = r.stdout.trim().split('\n').map(Number);
        return { from: from as number, to: to as number };
      });
    for (const strategy of ['free', 'linear'] as const) {
      const { summary } = await run([{ name: 'thr', hosts: 'all', become: true, strategy, tasks: [stamp('one', 1), stamp('all')] }]);
      expect(summary.outcome).toBe('changed');
      expect([strategy, overlapOf(await windows('one'))]).toEqual([strategy, 1]);
    }
    // linear: every host finishes the throttled task before any starts the next, so all 3 run it together
    expect(overlapOf(await windows('all'))).toBe(3);
  });
});
