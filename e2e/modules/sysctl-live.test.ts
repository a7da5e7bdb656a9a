/**
 * sysctl with reload on lab hosts: a per-network-namespace parameter (the lab's containers may set
 * /proc/sys/net, not the rest). Oracle: `sysctl -n` and the sysctl.d file on each host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { task } from '@tsplay/core';
import { sysctl } from '@tsplay/modules';
import { onAllHosts } from '../helpers/lab.js';
import { everyHost, fingerprint, playRun, removeRunState, statScript } from './run.js';

const KEY = 'net.ipv4.tcp_fin_timeout';
const FILE = '/etc/sysctl.d/61-tsplay-e2e-live.conf';
const live = () => fingerprint(`${statScript([FILE])}\necho "live $(sysctl -n ${KEY})"`);
const set = task(sysctl, { name: KEY, value: 37, file: FILE }, { name: 'fin timeout' });
let original = '';

beforeAll(async () => {
  original = (await onAllHosts(`sysctl -n ${KEY}`))[0]?.stdout.trim() ?? '60';
  await onAllHosts(`rm -f ${FILE}; sysctl -qw ${KEY}=${original}`, { become: true });
});
afterAll(async () => {
  await onAllHosts(`rm -f ${FILE}; sysctl -qw ${KEY}=${original}`, { become: true });
  await removeRunState();
});

describe('sysctl with reload, on lab hosts', () => {
  it('check predicts, the run sets file and live value, a re-run changes nothing, live drift is predicted and repaired', async () => {
    expect(original).not.toBe('37');
    const before = await live();
    const check = await playRun('sysctl-live', [set], { check: true });
    expect(check.statuses).toEqual(everyHost(['changed']));
    expect(await live()).toEqual(before);

    const run = await playRun('sysctl-live', [set]);
    expect(run.statuses).toEqual(everyHost(['changed']));
    const after = await live();
    for (const [host, fp] of Object.entries(after)) {
      expect(fp, host).toContain('live 37');
      expect(fp, host).toMatch(new RegExp(`${FILE} 644 root:root`));
    }
    expect((await playRun('sysctl-live', [set])).statuses).toEqual(everyHost(['ok']));

    // the file is right, the live value drifted (set by hand): predicted, then repaired
    await onAllHosts(`sysctl -qw ${KEY}=${original}`, { become: true });
    expect((await playRun('sysctl-live', [set], { check: true })).statuses).toEqual(everyHost(['changed']));
    expect((await playRun('sysctl-live', [set])).statuses).toEqual(everyHost(['changed']));
    expect(await live()).toEqual(after);
  });
});
