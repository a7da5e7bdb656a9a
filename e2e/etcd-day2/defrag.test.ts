/**
 * Maintenance on the lab (issue 28), one converged cluster for both cases:
 * (a) etcd-defrag.ts after 30 MiB were written, deleted and compacted, with both writers running (gateway, etcdctl): `--check`
 *     names the 3 members, the run defragments exactly those (the leader last, after move-leader), the db size
 *     drops on every member, the longest failure run stays <= 0.5 s, and a re-run's check changes nothing;
 * (b) NOSPACE: a 16 MiB quota (etcdQuotaBackendBytes), one key overwritten until etcd raises the alarm;
 *     etcd-defrag.ts refuses and points to etcd-recover-space.ts, which recovers: alarm list empty, writes
 *     succeed. The cluster is converged back to the default unit (no quota) at the end.
 * Oracles on the hosts: `etcdctl endpoint status`/`alarm list`/`put`, etcd's own journal, the unit file.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hostOutput, waitFor } from '../helpers/lab.js';
import { startBothWriters } from '../helpers/writer-both.js';
import { changedOf, etcdctlOn, inventoryOf, labWith, memberTable, recordResult, tsplay, WRITE_BOUND_S, type CliRun } from './harness.js';

const names = ['controller-0', 'controller-1', 'controller-2'];
const ips = ['10.240.0.10', '10.240.0.11', '10.240.0.12'];
const endpoints = ips.map((ip) => `https://${ip}:2379`);
const CTL =
  'ETCDCTL_API=3 /usr/local/bin/etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.pem --cert=/etc/etcd/kubernetes.pem --key=/etc/etcd/kubernetes-key.pem';
const MIB = 1048576;
const QUOTA = 16 * MIB;
const out = (r: CliRun) => r.stdout.slice(-3000) + r.stderr;

/** Each member's own endpoint status: db size, size in use, whether it leads, the revision. */
async function usage(host: string): Promise<{ dbSize: number; inUse: number; leader: boolean; revision: number }> {
  const raw = await etcdctlOn(host, 'endpoint status -w json');
  const st = (JSON.parse(raw) as { Status: { dbSize: number; dbSizeInUse: number; header: { revision: number } } }[])[0]?.Status;
  if (!st) throw new Error(`${host}: no endpoint status`);
  // uint64 IDs: compared as the digits etcdctl printed
  const leader = /"member_id":(\d+)/.exec(raw)?.[1] === /"leader":(\d+)/.exec(raw)?.[1];
  return { dbSize: st.dbSize, inUse: st.dbSizeInUse, leader, revision: st.header.revision };
}

async function leaderName(): Promise<string> {
  for (const h of names) if ((await usage(h)).leader) return h;
  throw new Error('no leader');
}

/** Put `count` values of 1 MiB on controller-0 (`key` + i, or the same key when `same`); stops at the first failure and returns its output. */
function fill(key: string, count: number, same: boolean): Promise<string> {
  const k = same ? key : `${key}$i`;
  return hostOutput(
    'controller-0',
    `for i in $(seq 1 ${count}); do head -c 786432 /dev/urandom | base64 -w0 | ${CTL} put ${k} >/dev/null 2>/tmp/fill.err || { cat /tmp/fill.err; break; }; done; echo filled`,
    { become: true },
  );
}

/** etcd's own journal since `since` (epoch s): the microsecond times at which each host finished a defrag. */
async function defragTimes(since: number): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  for (const h of names) {
    const j = await hostOutput(
      h,
      `journalctl -u etcd --since @${since} -o short-unix --no-pager | grep -i 'finished defragmenting' | tail -1`,
      { become: true },
    );
    times[h] = Number(j.trim().split(' ')[0] ?? 'NaN');
  }
  return times;
}

describe('etcd maintenance: defrag, NOSPACE recovery', () => {
  const inv = inventoryOf(names);

  beforeAll(async () => {
    await labWith(3);
    const boot = await tsplay('etcd.ts', inv);
    if (boot.code !== 0) throw new Error(`converge of 3 members failed: ${out(boot)}`);
  });

  afterAll(async () => {
    // the next test file sees the cluster as etcd.ts leaves it: the default unit (no quota), no alarm
    await etcdctlOn('controller-0', 'alarm disarm').catch(() => '');
    await etcdctlOn('controller-0', 'del /nospace/ --prefix').catch(() => '');
    const back = await tsplay('etcd.ts', inv);
    expect(back.code, out(back)).toBe(0);
    for (const h of names)
      expect(await hostOutput(h, 'grep -c quota-backend-bytes /etc/systemd/system/etcd.service || true', { become: true })).toBe('0\n');
    expect(await memberTable('controller-0')).toEqual(names.map((n) => `${n} started`));
  });

  test('defrag: --check names the fragmented members; the run defragments them one at a time, leader last, writes never stop', async () => {
    expect(await fill('/defrag-fill/k', 30, false)).toBe('filled\n');
    await etcdctlOn('controller-0', 'del /defrag-fill/ --prefix');
    await etcdctlOn('controller-0', `compact ${(await usage('controller-0')).revision} --physical`);
    // bolt counts the pages a compaction freed as free (dbSizeInUse) once a later write has committed on the member
    const before = await waitFor(
      'the compacted pages counted free on every member',
      async () => {
        await etcdctlOn('controller-0', 'put /defrag-commit x');
        const u = await Promise.all(names.map(usage));
        return u.every((x) => x.dbSize - x.inUse > 20 * MIB) ? u : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 300 },
    );
    const leader = await leaderName();
    const expected = names.map((h) => `${h} › etcd defragment (${h === leader ? 'leader last' : 'followers'})`).sort();

    const check = await tsplay('etcd-defrag.ts', inv, ['--check', '--json']);
    expect(check.code, out(check)).toBe(0);
    expect(changedOf(check)).toEqual(expected);

    const t0 = Math.floor(Date.now() / 1000) - 1;
    const w = startBothWriters(endpoints, '/day2/defrag/');
    const r = await tsplay('etcd-defrag.ts', inv, ['--json']);
    const both = await w.stop();
    recordResult('defrag', both.gateway);
    recordResult('defrag (etcdctl)', both.etcdctl);
    expect(r.code, out(r)).toBe(0);
    expect(changedOf(r)).toEqual(expected);
    for (const [name, rep] of [
      ['gateway', both.gateway],
      ['etcdctl', both.etcdctl],
    ] as const) {
      expect(rep.writes, name).toBeGreaterThan(10);
      expect(rep.longestFailureRunS, `${name}: ${JSON.stringify(both.etcdctl.errors)}`).toBeLessThanOrEqual(WRITE_BOUND_S[name]);
    }

    // the db size drops on every member (its own endpoint status), by what was reclaimable
    const after = await Promise.all(names.map(usage));
    for (const [i, u] of after.entries()) expect(u.dbSize, names[i]).toBeLessThan((before[i]?.dbSize ?? 0) - 20 * MIB);
    // one at a time, the leader last (etcd's journal, one clock), and leadership was moved away from it
    const times = await defragTimes(t0);
    for (const h of names) expect(times[h], `${h} defragmented`).toBeGreaterThan(t0);
    expect(
      Object.entries(times)
        .sort((a, b) => a[1] - b[1])
        .at(-1)?.[0],
    ).toBe(leader);
    expect(await leaderName()).not.toBe(leader);

    const again = await tsplay('etcd-defrag.ts', inv, ['--check', '--json']);
    expect(again.code, out(again)).toBe(0);
    expect(changedOf(again)).toEqual([]);
  });

  test('NOSPACE: a 16 MiB quota filled until the alarm; etcd-defrag.ts refuses, etcd-recover-space.ts recovers and writes succeed', async () => {
    const quota = await tsplay('etcd.ts', inv, ['-e', `etcdQuotaBackendBytes=${QUOTA}`]);
    expect(quota.code, out(quota)).toBe(0);
    for (const h of names)
      expect(await hostOutput(h, 'grep -c -- "--quota-backend-bytes=16777216$" /etc/systemd/system/etcd.service', { become: true })).toBe(
        '1\n',
      );

    expect(await fill('/nospace/k', 40, true)).toMatch(/database space exceeded/);
    expect(await etcdctlOn('controller-1', 'alarm list')).toMatch(/alarm:NOSPACE/);

    const refused = await tsplay('etcd-defrag.ts', inv);
    expect(refused.code).not.toBe(0);
    expect(out(refused)).toMatch(/ETCD_ALARM[\s\S]*etcd-recover-space\.ts/);

    const check = await tsplay('etcd-recover-space.ts', inv, ['--check', '--json']);
    expect(check.code, out(check)).toBe(0);
    const r = await tsplay('etcd-recover-space.ts', inv, ['--json']);
    expect(r.code, out(r)).toBe(0);
    const compactOut = r.stdout
      .split('\n')
      .filter((l) => l.includes('"task.result"') && /etcd compact|preflight/.test(l))
      .join('\n');
    expect(changedOf(r), compactOut).toEqual(changedOf(check));
    expect(changedOf(r)).toEqual(
      expect.arrayContaining([
        ...names.map((h) => expect.stringMatching(new RegExp(`^${h} › etcd defragment`))),
        expect.stringMatching(/etcd compact/),
        expect.stringMatching(/etcd alarm disarm/),
      ]),
    );

    for (const h of names) {
      expect(await etcdctlOn(h, 'alarm list'), h).toBe('');
      expect((await usage(h)).dbSize, h).toBeLessThan(QUOTA / 2);
    }
    expect(await etcdctlOn('controller-2', 'put /nospace/after ok')).toBe('OK\n');
    expect(await etcdctlOn('controller-1', 'get /nospace/after --print-value-only')).toBe('ok\n');
    // recovered: a re-run has nothing to compact, defragment or disarm
    const again = await tsplay('etcd-recover-space.ts', inv, ['--check', '--json']);
    expect(again.code, out(again)).toBe(0);
    expect(changedOf(again)).toEqual([]);
  });
});
