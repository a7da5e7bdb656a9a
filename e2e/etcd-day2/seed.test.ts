/**
 * Closer to the seed (issue 17, item 7): an inventory without internalIp. Each member reads its IP from its
 * own GCE metadata answer (the lab's metadata server answers each host with its own address) and its name
 * from `hostname -s`; `--initial-cluster` is built from the other hosts' results. Oracle: etcdctl member list
 * on every host.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ETCD_TARBALL, labPaths } from '@tsplay/lab';
import { parseMemberListJson } from '@tsplay/etcd';
import { hostOutput, onAllHosts } from '../helpers/lab.js';
import { changedOf, etcdctlOn, inventoryOf, labWith, tsplay } from './harness.js';

const names = ['controller-0', 'controller-1', 'controller-2'];
const ips = ['10.240.0.10', '10.240.0.11', '10.240.0.12'];
const TASKS = [
  'download etcd',
  'install etcd binaries',
  'etcd config dir',
  'etcd data dir',
  'etcd ca cert',
  'etcd cert',
  'etcd key',
  'etcd.service',
  'start etcd',
];
const RESET = [
  'systemctl disable --now etcd 2>/dev/null; systemctl reset-failed etcd 2>/dev/null',
  `rm -rf /etc/systemd/system/etcd.service /etc/etcd /var/lib/etcd /usr/local/bin/etcd /usr/local/bin/etcdctl /usr/local/src/${ETCD_TARBALL}`,
  'systemctl daemon-reload',
].join('\n');

interface Result {
  type: string;
  host?: string;
  task?: string;
  changed?: boolean;
  status?: string;
  stdout?: string;
}
const results = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Result)
    .filter((e) => e.type === 'task.result');

/** The lab inventory without any internalIp var. */
function seedInventory(): string {
  const file = inventoryOf(names);
  const text = readFileSync(file, 'utf8').replace(/, vars: \{ internalIp: "[^"]*" \}/g, '');
  if (text.includes('internalIp')) throw new Error(`internalIp left in ${file}`);
  writeFileSync(file, text);
  return file;
}

describe('etcd.ts without internalIp: IPs from the metadata server, names from hostname -s', () => {
  let inv = '';
  beforeAll(async () => {
    await labWith(3);
    await onAllHosts(RESET, { become: true });
    inv = seedInventory();
    expect(labPaths().inventoryFile).not.toBe(inv);
  });

  test('--check on fresh hosts predicts every step; the run makes exactly those and forms the 3-member cluster', async () => {
    const c = await tsplay('etcd.ts', inv, ['--check', '--json']);
    expect(c.code, c.stdout.slice(-3000) + c.stderr).toBe(0);
    const expected = names.flatMap((h) => TASKS.map((t) => `${h} › ${t}`)).sort();
    expect(changedOf(c)).toEqual(expected);
    // the probes ran in check mode too, each host answering with its own address and name
    const probe = (task: string) =>
      results(c.stdout)
        .filter((e) => e.task === task)
        .map((e) => [e.host, e.status])
        .sort();
    expect(probe('internal ip from GCE metadata')).toEqual(names.map((h) => [h, 'ok']));
    expect(probe('etcd name from hostname -s')).toEqual(names.map((h) => [h, 'ok']));

    const r = await tsplay('etcd.ts', inv, ['--json']);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(changedOf(r)).toEqual(expected);
    for (const [i, h] of names.entries()) {
      const members = parseMemberListJson(await etcdctlOn(h, 'member list -w json')).members;
      expect(members.map((m) => [m.name, m.status, m.peerUrls, m.clientUrls, m.isLearner]).sort(), h).toEqual(
        names.map((n, j) => [n, 'started', [`https://${ips[j]}:2380`], [`https://${ips[j]}:2379`], false]),
      );
      // the unit on the host names every member by its hostname and metadata address
      const unit = await hostOutput(h, 'cat /etc/systemd/system/etcd.service', { become: true });
      expect(unit).toContain(`--initial-cluster ${names.map((n, j) => `${n}=https://${ips[j]}:2380`).join(',')}`);
      expect(unit).toContain(`--listen-peer-urls https://${ips[i]}:2380`);
      expect((await hostOutput(h, 'hostname -s')).trim()).toBe(h);
    }
    const health = await etcdctlOn('controller-0', 'endpoint health --cluster -w json');
    expect(health.match(/"health":true/g)?.length).toBe(3);
  });

  test('a re-run changes nothing, and --check --detailed-exitcode says so', async () => {
    const r = await tsplay('etcd.ts', inv, ['--json']);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(changedOf(r)).toEqual([]);
    const c = await tsplay('etcd.ts', inv, ['--check', '--detailed-exitcode', '--json']);
    expect(c.code, c.stdout.slice(-3000) + c.stderr).toBe(0);
    expect(changedOf(c)).toEqual([]);
  });
});
