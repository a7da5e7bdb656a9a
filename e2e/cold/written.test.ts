/**
 * What a converge writes, it records: the exec that writes files probes their content facts after its steps,
 * and that probe leaves the answers in the host's own signature index (/var/cache/tsplay/sig), so the first
 * re-run after a converge hashes nothing it wrote (a lone write applies on its own: the next probe records
 * it). A probe that does hash records the new answer itself, in the same exec. Oracles on the hosts: the index's entries
 * after the converge alone, and `sha256sum` broken on every host: a run can then only change nothing if it
 * hashes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { task } from '@tsplay/core';
import { copy, file } from '@tsplay/modules';
import { onAllHosts } from '../helpers/lab.js';
import { ensureLab } from '../faults/host-control.js';
import { everyHost, playRun, removeRunState } from '../modules/run.js';

const INDEX = '/var/cache/tsplay/sig';
const DIR = '/etc/tsplay-e2e-written';
const BREAK =
  'mv /usr/bin/sha256sum /usr/bin/sha256sum.real && printf "#!/bin/sh\\necho broken >&2\\nexit 99\\n" > /usr/bin/sha256sum && chmod 755 /usr/bin/sha256sum';
const MEND = 'if [ -e /usr/bin/sha256sum.real ]; then mv -f /usr/bin/sha256sum.real /usr/bin/sha256sum; fi';
const TASKS = [
  task(file, { path: DIR, state: 'directory', mode: '0755' }, { name: 'dir' }),
  task(copy, { dest: `${DIR}/a.conf`, content: 'alpha\n', mode: '0644' }, { name: 'a' }),
  task(copy, { dest: `${DIR}/b.conf`, content: 'beta\n', mode: '0600' }, { name: 'b' }),
];
const workstations: string[] = [];
/** An empty state dir: a workstation that knows nothing of these hosts. */
const emptyWorkstation = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tsplay-e2e-written-'));
  workstations.push(d);
  return d;
};
const entries = async (): Promise<number[]> =>
  (await onAllHosts(`find ${INDEX} -type f 2>/dev/null | wc -l`, { become: true })).map((r) => Number(r.stdout.trim()));

/** A run from a new workstation with `sha256sum` broken on every host: only a run that hashes nothing changes nothing. */
async function rerunBlind(): Promise<Record<string, string[]>> {
  try {
    await onAllHosts(BREAK, { become: true });
    return (await playRun('written', TASKS, { stateDir: emptyWorkstation() })).statuses;
  } finally {
    await onAllHosts(MEND, { become: true });
  }
}

beforeAll(async () => {
  await ensureLab(3);
  await onAllHosts(`${MEND}; rm -rf ${INDEX} ${DIR}`, { become: true });
});

afterAll(async () => {
  await onAllHosts(`${MEND}; rm -rf ${DIR}`, { become: true });
  await removeRunState();
  for (const d of workstations) rmSync(d, { recursive: true, force: true });
});

describe('a converge records the answers of what it wrote', () => {
  it('after the converge alone the index has them: a re-run from a new workstation with sha256sum broken changes nothing', async () => {
    const converge = await playRun('written', TASKS, { stateDir: emptyWorkstation() });
    expect(converge.statuses).toEqual(everyHost(['changed', 'changed', 'changed']));
    expect(await entries()).toEqual([2, 2, 2]);
    expect(await rerunBlind()).toEqual(everyHost(['ok', 'ok', 'ok']));
  });

  it('a run whose probe hashes leaves the answers in the index: removed, one run rebuilds it', async () => {
    await onAllHosts(`rm -rf ${INDEX}`, { become: true });
    const rerun = await playRun('written', TASKS, { stateDir: emptyWorkstation() });
    expect(rerun.statuses).toEqual(everyHost(['ok', 'ok', 'ok']));
    expect(await entries()).toEqual([2, 2, 2]);
    expect(await rerunBlind()).toEqual(everyHost(['ok', 'ok', 'ok']));
  });

  it('files changed behind its back: the exec that writes them again records them', async () => {
    await onAllHosts(`printf 'drift\\n' > ${DIR}/a.conf; printf 'drift\\n' > ${DIR}/b.conf`, { become: true });
    const repair = await playRun('written', TASKS, { stateDir: emptyWorkstation() });
    expect(repair.statuses).toEqual(everyHost(['ok', 'changed', 'changed']));
    expect(await rerunBlind()).toEqual(everyHost(['ok', 'ok', 'ok']));
  });
});
