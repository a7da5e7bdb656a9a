/**
 * lineinfile, blockinfile, sysctl, hostname, stat, wait_for, uri and facts on the lab hosts over SSH.
 * The oracle is each host's own account of itself: stat/sha256sum of the files, `hostname`, `sysctl -n`,
 * `nproc`, and the metadata server's answer. Check on a fresh host predicts the real run's statuses
 * exactly (including the second lineinfile into a file the first one would create), mutates nothing;
 * a re-run changes nothing; hand-made drift is predicted and repaired. sysctl with reload on a per-network-
 * namespace key (the hosts may write /proc/sys/net, their own netns, and nothing else of /proc/sys): the live
 * value of each host moves, the machine's own value never does.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secret, task } from '@tsplay/core';
import {
  blockinfile,
  facts,
  hostname,
  lineinfile,
  stat,
  sysctl,
  uri,
  waitFor,
  type HostFacts,
  type StatResult,
  type UriResult,
} from '@tsplay/modules';
import { lab, labHostExec, onAllHosts } from '../helpers/lab.js';
import { everyHost, fingerprint, playRun, removeRunState, statScript } from './run.js';

const CONF = '/etc/tsplay-e2e.conf';
const HOSTS = '/etc/tsplay-e2e-hosts';
const SYSCTL = '/etc/sysctl.d/60-tsplay-e2e.conf';
const META = 'http://169.254.169.254/computeMetadata/v1/instance/network-interfaces/0/ip';

const reset = () =>
  onAllHosts((h) => `rm -f ${CONF} ${HOSTS} ${SYSCTL}; hostname ${h.name}; echo ${h.name} > /etc/hostname`, { become: true });
const oracle = () =>
  fingerprint(
    `${statScript([CONF, HOSTS, SYSCTL, '/etc/hostname'])}\necho "hostname $(hostname)"\necho "swappiness $(sysctl -n vm.swappiness)"`,
  );

const port = task(lineinfile, { path: CONF, line: 'port=8080', regexp: '^port=', create: true, mode: '0640' }, { name: 'port line' });
const name = task(lineinfile, { path: CONF, line: 'name=e2e', insertbefore: 'BOF' }, { name: 'name line' });
const block = task(blockinfile, { path: HOSTS, block: '10.240.0.10 c0\n10.240.0.11 c1\n', create: true }, { name: 'hosts block' });
const swap = task(sysctl, { name: 'vm.swappiness', value: 10, file: SYSCTL, reload: false }, { name: 'swappiness file' });
const host = task(hostname, (ctx) => ({ name: `${ctx.host.name}-e2e` }), { name: 'hostname' });
const statConf = task(stat, { path: CONF }, { name: 'stat conf' });
const ssh = task(waitFor, { port: 22, timeoutMs: 30_000 }, { name: 'wait for sshd' });
const meta = task(uri, { url: META, headers: { 'Metadata-Flavor': secret('Google') } }, { name: 'metadata' });
const gather = task(facts, {}, { name: 'facts' });
const TASKS = [port, name, block, swap, host, statConf, ssh, meta, gather];
const FRESH = ['changed', 'changed', 'changed', 'changed', 'changed', 'ok', 'ok', 'ok', 'ok'];

beforeAll(reset);
afterAll(async () => {
  await reset();
  await removeRunState();
});

describe('file and host modules on lab hosts', () => {
  it('check predicts the fresh run exactly and mutates nothing; the run changes exactly those files; a re-run changes nothing', async () => {
    const before = await oracle();
    const check = await playRun('files-e2e', TASKS, { check: true });
    expect(check.statuses).toEqual(everyHost(FRESH));
    expect(await oracle()).toEqual(before);
    const h0 = lab().hosts[0]!.name;
    // stat in check mode reads the state the lineinfile tasks predict
    const predicted = check.summary.resultOf(h0, statConf)?.data as StatResult;
    expect(predicted).toMatchObject({
      exists: true,
      type: 'file',
      mode: 0o640,
      owner: 'root',
      group: 'root',
      size: 'name=e2e\nport=8080\n'.length,
    });

    const real = await playRun('files-e2e', TASKS);
    expect(real.statuses).toEqual(check.statuses);
    const after = await oracle();
    for (const h of lab().hosts) {
      const lines = after[h.name]!.split('\n');
      expect(lines[0]).toMatch(new RegExp(`^${CONF} 640 root:root 19 `));
      expect(lines[1]).toMatch(new RegExp(`^${HOSTS} 644 root:root \\d+ `));
      expect(lines[2]).toMatch(new RegExp(`^${SYSCTL} 644 root:root 19 `));
      expect(lines.slice(4)).toEqual([`hostname ${h.name}-e2e`, before[h.name]!.split('\n')[5], '']);
      expect(before[h.name]!.split('\n').slice(0, 3)).toEqual([`${CONF} absent`, `${HOSTS} absent`, `${SYSCTL} absent`]);
    }
    const text = await onAllHosts(`cat ${CONF} ${SYSCTL}`, { become: true });
    expect(text.map((r) => r.stdout)).toEqual(lab().hosts.map(() => 'name=e2e\nport=8080\nvm.swappiness = 10\n'));
    expect(real.summary.resultOf(h0, statConf)?.data).toEqual(predicted);
    expect((real.summary.resultOf(h0, meta)?.data as UriResult).body).toBe(lab().hosts[0]!.address);
    const f = real.summary.resultOf(h0, gather)?.data as HostFacts;
    const truth = (await onAllHosts('nproc; uname -r; hostname', {}))[0]!.stdout.trim().split('\n');
    expect([String(f.cpus), f.kernel, f.hostname]).toEqual(truth);
    expect(f.interfaces.find((i) => i.name === 'eth0')?.addresses.find((a) => a.family === 'inet')?.address).toBe(lab().hosts[0]!.address);

    const again = await playRun('files-e2e', TASKS);
    expect(again.statuses).toEqual(everyHost(FRESH.map(() => 'ok')));
    expect(await oracle()).toEqual(after);
  });

  it('hand-made drift is predicted and repaired; the kernel refuses the live value (SYSCTL_FAILED names reload)', async () => {
    const converged = await oracle();
    await onAllHosts((h) => `sed -i 's/^port=.*/port=9090/' ${CONF}; sed -i 's/c1$/c9/' ${HOSTS}; rm ${SYSCTL}; hostname ${h.name}`, {
      become: true,
    });
    const check = await playRun('files-e2e', TASKS, { check: true });
    expect(check.statuses).toEqual(everyHost(['changed', 'ok', 'changed', 'changed', 'changed', 'ok', 'ok', 'ok', 'ok']));
    const fix = await playRun('files-e2e', TASKS);
    expect(fix.statuses).toEqual(check.statuses);
    expect(await oracle()).toEqual(converged);
    const live = await playRun('sysctl-live-e2e', [task(sysctl, { name: 'vm.swappiness', value: 11, file: SYSCTL })]);
    const err = live.events.find((e) => e.type === 'task.result' && e.status === 'failed');
    expect(err && 'error' in err ? err.error : undefined).toMatchObject({ code: 'SYSCTL_FAILED', field: 'reload' });
  });
});

const KEY = 'net.core.somaxconn';
const VALUE = 1536;
const LIVE = '/etc/sysctl.d/61-tsplay-e2e-live.conf';
const KEY_PATH = `/proc/sys/${KEY.replace(/\./g, '/')}`;
// each host's own account: the file (mode, owner, size, sha256), the live value, and a net.* key nobody sets
const live = () =>
  fingerprint(`${statScript([LIVE])}\necho "live $(sysctl -n ${KEY})"\necho "other $(cat /proc/sys/net/ipv4/tcp_fin_timeout)"`);
/** The machine's own value (this process runs in the machine's network namespace, not a lab host's). */
const machineValue = () => readFileSync(KEY_PATH, 'utf8').trim();
const somaxconn = task(sysctl, { name: KEY, value: VALUE, file: LIVE }, { name: 'somaxconn' });
let original: string[] = [];
const restore = () => onAllHosts((h) => `rm -f ${LIVE}; sysctl -qw ${KEY}=${original[h.index] ?? ''}`, { become: true });

describe('sysctl with reload on a per-netns key, on lab hosts', () => {
  beforeAll(async () => {
    original = (await onAllHosts(`cat ${KEY_PATH}`)).map((r) => r.stdout.trim());
    await onAllHosts(`rm -f ${LIVE}`, { become: true });
  });
  afterAll(restore);

  it("check predicts the fresh run; the run sets the file and each host's live value, not the machine's; a re-run changes nothing", async () => {
    const machine = machineValue();
    expect(original.every((v) => /^\d+$/.test(v) && v !== String(VALUE))).toBe(true);
    const before = await live();
    const check = await playRun('sysctl-netns', [somaxconn], { check: true });
    expect(check.statuses).toEqual(everyHost(['changed']));
    expect(await live()).toEqual(before);

    const run = await playRun('sysctl-netns', [somaxconn]);
    expect(run.statuses).toEqual(check.statuses);
    const after = await live();
    const text = `${KEY} = ${VALUE}\n`;
    const sha = createHash('sha256').update(text).digest('hex').slice(0, 16);
    for (const h of lab().hosts) {
      const [was, is] = [before[h.name]!.split('\n'), after[h.name]!.split('\n')];
      expect(was.slice(0, 2)).toEqual([`${LIVE} absent`, `live ${original[h.index]}`]);
      expect(is.slice(0, 2)).toEqual([`${LIVE} 644 root:root ${text.length} ${sha} `, `live ${VALUE}`]);
      expect(is.slice(2)).toEqual(was.slice(2)); // nothing else moved
    }
    expect(machineValue()).toBe(machine);
    expect(machine).not.toBe(String(VALUE));

    expect((await playRun('sysctl-netns', [somaxconn])).statuses).toEqual(everyHost(['ok']));
    expect(await live()).toEqual(after);
  });

  it("a live value set by hand on one host is predicted and repaired there only; the others' and the machine's stay", async () => {
    const machine = machineValue();
    const converged = await live();
    const [h0, ...rest] = lab().hosts;
    expect(rest.length).toBeGreaterThan(0);
    expect((await labHostExec(h0!.index, `sysctl -qw ${KEY}=${original[h0!.index]}`, { become: true })).code).toBe(0);
    const drifted = await live();
    expect(drifted[h0!.name]).toContain(`live ${original[h0!.index]}\n`);
    for (const h of rest) expect(drifted[h.name]).toBe(converged[h.name]);

    const expected = Object.fromEntries(lab().hosts.map((h) => [h.name, [h.name === h0!.name ? 'changed' : 'ok']]));
    const check = await playRun('sysctl-netns', [somaxconn], { check: true });
    expect(check.statuses).toEqual(expected);
    expect(await live()).toEqual(drifted);
    const fix = await playRun('sysctl-netns', [somaxconn]);
    expect(fix.statuses).toEqual(expected);
    expect(await live()).toEqual(converged);
    expect(machineValue()).toBe(machine);
  });
});
