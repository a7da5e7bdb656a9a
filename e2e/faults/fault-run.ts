/**
 * A run of the transfer part of the etcd role (fixtures/etcd-files.ts) with a fault injected while the etcd
 * tarball downloads, and the checks shared by the transport, power-off and signal faults.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'vitest';
import type { RunEvent } from '@tsplay/core';
import { waitFor } from '../helpers/lab.js';
import {
  expectNoPartialFiles,
  explain,
  FIXTURES,
  hostNames,
  lab,
  labHosts,
  tsplay,
  tsplayLive,
  type CliRun,
  type LiveRun,
} from './helpers.js';
import { hostProcesses } from './host-control.js';
import { recordSurvived } from './survived.js';

export const FILES_TASKS = [
  'download etcd',
  'install etcd binaries',
  'etcd config dir',
  'etcd data dir',
  'etcd ca cert',
  'etcd cert',
  'etcd key',
  'etcd.service',
];
export const filesArgs = (): string[] => ['run', join(FIXTURES, 'etcd-files.ts'), '-i', lab().inventoryFile];

/** Until no process of a cut session runs on the host (the download script and curl name the `.tsplay-` temp file). */
export const scriptGone = (index: number) =>
  waitFor(
    `the download script on host ${index} to end`,
    async () => (hostProcesses(index).some((p) => p.args.includes('.tsplay-')) ? undefined : true),
    { timeoutMs: 60_000 },
  );

export interface FaultedRun {
  r: CliRun;
  /** When the fault was injected (ms since the epoch). */
  faultAt: number;
  /** When each host's first task result arrived. */
  resultAt: Map<string, number>;
}

export function faultRun(state: () => string) {
  /** Run the files playbook; `fault(live)` runs `afterMs` after the download starts. */
  async function runWithFault(afterMs: number, fault: (live: LiveRun) => Promise<unknown> | unknown): Promise<FaultedRun> {
    let faultAt = 0;
    let injected: Promise<unknown> | undefined;
    const resultAt = new Map<string, number>();
    const live: LiveRun = tsplayLive(filesArgs(), {
      stateDir: state(),
      onEvent: (e: RunEvent) => {
        if (e.type === 'task.result' && !resultAt.has(e.host)) resultAt.set(e.host, Date.now());
        if (e.type === 'task.start' && e.task === 'download etcd' && !injected) {
          injected = delay(afterMs).then(async () => {
            faultAt = Date.now();
            await fault(live);
          });
        }
      },
    });
    const r = await live.done;
    await injected;
    return { r, faultAt, resultAt };
  }

  /** Exit 4; `host` stopped at the download with UNREACHABLE; every other host did every task. */
  function expectOnlyHostUnreachable(r: CliRun, host: string): void {
    expect(r.code, explain(r)).toBe(4);
    const mine = r.results.filter((x) => x.host === host);
    expect(mine.map((x) => [x.task, x.status, x.error?.code])).toEqual([['download etcd', 'unreachable', 'UNREACHABLE']]);
    expect(mine[0]?.error?.message).toContain(labHosts().find((h) => h.name === host)?.address);
    for (const h of hostNames().filter((x) => x !== host)) {
      expect(
        r.results.filter((x) => x.host === h).map((x) => [x.task, x.status === 'changed' ? 'ok' : x.status]),
        h,
      ).toEqual(FILES_TASKS.map((t) => [t, 'ok']));
    }
    expect(r.recap?.hosts[host]?.unreachable).toBe(1);
  }

  /**
   * The next run changes only `hosts` (at least their unit), the one after nothing; no partial file anywhere.
   * `mayHave`: hosts that may have finished without saying so (a killed run reports nothing of what a host applied
   * ahead in one exec), which the next run may change but need not.
   */
  async function expectConverges(hosts: string[], mayHave: string[] = []): Promise<CliRun> {
    const again = await tsplay(filesArgs(), { stateDir: state() });
    expect(again.code, explain(again)).toBe(0);
    expect(
      again.changed.every((c) => [...hosts, ...mayHave].some((h) => c.startsWith(`${h} ›`))),
      again.changed.join('\n'),
    ).toBe(true);
    for (const h of hosts) expect(again.changed).toContain(`${h} › etcd.service`);
    const third = await tsplay(filesArgs(), { stateDir: state() });
    expect(third.code, explain(third)).toBe(0);
    expect(third.changed).toEqual([]);
    await expectNoPartialFiles();
    recordSurvived(expect.getState().currentTestName ?? 'fault', { partialFiles: 0, convergedRuns: 2 });
    return again;
  }

  return { runWithFault, expectOnlyHostUnreachable, expectConverges };
}
