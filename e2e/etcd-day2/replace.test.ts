/**
 * Replace a member whose data is gone (issue 28), on the lab: 3 converged members; a healthy member is
 * refused (nothing to replace); then one member's etcd is stopped and its data dir removed on the host,
 * `--check` predicts the replacement, and `etcd-replace-member.ts` runs with both writers (gateway and
 * etcdctl with all 3 endpoints). Oracles on the hosts: `etcdctl member list -w json` (3 started voters, no
 * learner, a new member ID), `endpoint health --cluster`, the keys each writer put, no put refused by a
 * learner (it serves clients on 127.0.0.1 only until it is promoted); then `etcd.ts --check`
 * predicts no change (the cluster is left as the converge makes it).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { parseMemberListJson } from '@tsplay/etcd';
import { hostOutput } from '../helpers/lab.js';
import { startBothWriters } from '../helpers/writer-both.js';
import { changedOf, etcdctlOn, inventoryOf, labWith, recordResult, tsplay, WRITE_BOUND_S } from './harness.js';

const names = ['controller-0', 'controller-1', 'controller-2'];
const endpoints = names.map((_, i) => `https://10.240.0.1${i}:2379`);
const VICTIM = 'controller-2';
const TASK = `${VICTIM} › etcd replace (member remove, empty data dir, learner, catch up, promote)`;

async function members(): Promise<{ id: string; name: string; isLearner: boolean; status: string }[]> {
  return parseMemberListJson(await etcdctlOn('controller-0', 'member list -w json')).members;
}

describe('etcd day 2: replace a member whose data is gone', () => {
  const inv = () => inventoryOf(names);

  beforeAll(async () => {
    await labWith(3);
    const boot = await tsplay('etcd.ts', inv());
    if (boot.code !== 0) throw new Error(`converge of 3 members failed: ${boot.stdout.slice(-2000)}${boot.stderr}`);
  });

  test('a healthy member with its data is refused (ETCD_REPLACE_REFUSED) and keeps its ID', async () => {
    const before = await members();
    const r = await tsplay('etcd-replace-member.ts', inv(), ['-e', `etcdReplace=${VICTIM}`]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('ETCD_REPLACE_REFUSED');
    expect(await members()).toEqual(before);
  });

  test('wiped data dir: --check predicts it; the replace brings back 3 started voters, a new ID, writes never stop', async () => {
    const oldId = (await members()).find((m) => m.name === VICTIM)?.id;
    expect(oldId).toBeTruthy();
    await hostOutput(VICTIM, 'systemctl stop etcd && rm -rf /var/lib/etcd', { become: true });

    const check = await tsplay('etcd-replace-member.ts', inv(), ['-e', `etcdReplace=${VICTIM}`, '--check', '--json']);
    expect(check.code, check.stdout.slice(-3000) + check.stderr).toBe(0);
    expect(changedOf(check)).toEqual([TASK]);
    expect(check.stdout).toContain(`member remove ${oldId}`);

    const w = startBothWriters(endpoints, '/day2/replace/');
    const r = await tsplay('etcd-replace-member.ts', inv(), ['-e', `etcdReplace=${VICTIM}`, '--json']);
    const report = await w.stop();
    recordResult('replace', report.gateway);
    recordResult('replace (etcdctl)', report.etcdctl);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(changedOf(r)).toEqual([TASK]);

    const after = await members();
    expect(after.map((m) => `${m.name} ${m.status}${m.isLearner ? ' learner' : ''}`).sort()).toEqual(names.map((n) => `${n} started`));
    const newId = after.find((m) => m.name === VICTIM)?.id;
    expect(newId).toBeTruthy();
    expect(newId).not.toBe(oldId);
    const health = await etcdctlOn('controller-0', 'endpoint health --cluster -w json');
    expect(health.match(/"health":true/g)?.length).toBe(3);

    for (const [name, rep] of [
      ['gateway', report.gateway],
      ['etcdctl', report.etcdctl],
    ] as const) {
      expect(rep.writes, name).toBeGreaterThan(10);
      expect(rep.longestFailureRunS, `${name}: ${JSON.stringify(report.etcdctl.errors)}`).toBeLessThanOrEqual(WRITE_BOUND_S[name]);
    }
    // the learner served clients on 127.0.0.1 only: no put met `rpc not supported for learner`
    expect(report.etcdctl.errors.filter((e) => /learner/.test(e.error))).toEqual([]);
    // the replaced member has every key either writer put (it caught up before it was promoted)
    const count = async (prefix: string) =>
      Number((await etcdctlOn(VICTIM, `get ${prefix} --prefix --keys-only --consistency=s | grep -c '^${prefix}'`)).trim());
    expect(await count('/day2/replace/')).toBeGreaterThanOrEqual(report.gateway.okSeqs.length);
    expect(await count(w.etcdctlPrefix)).toBeGreaterThanOrEqual(report.etcdctl.okSeqs.length);

    // left as the converge makes it: etcd.ts predicts no change on any host
    const converge = await tsplay('etcd.ts', inv(), ['--check', '--json']);
    expect(converge.code, converge.stdout.slice(-3000) + converge.stderr).toBe(0);
    expect(changedOf(converge)).toEqual([]);
  });
});
