/**
 * Issue 28: after an upgrade, a join needs no checksum by hand. 3 members on 3.4.23 are upgraded to 3.5.16
 * (etcd-upgrade.ts), then 2 hosts join with the same inventory and `-e etcdVersion=3.5.16` only: the role's
 * download takes `etcdChecksums["3.5.16"]` from the inventory, as the upgrade does (the inventory's
 * `etcdChecksum` is 3.4.23's). Oracles on the hosts: sha256sum of the tarball, `etcd --version`, etcdctl
 * member list and endpoint status.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hostOutput } from '../helpers/lab.js';
import { etcdctlOn, inventoryOf, labWith, memberTable, tsplay } from './harness.js';

const names = [0, 1, 2, 3, 4].map((i) => `controller-${i}`);
const TARBALL = '/usr/local/src/etcd-v3.5.16-linux-amd64.tar.gz';
const WIPE = `systemctl stop etcd 2>/dev/null; systemctl reset-failed etcd 2>/dev/null; rm -rf /var/lib/etcd /var/lib/etcd.removed-* /var/backups/etcd /usr/local/bin/etcd /usr/local/bin/etcdctl /usr/local/bin/etcd.prev /usr/local/bin/etcdctl.prev /etc/systemd/system/etcd.service ${TARBALL}; systemctl daemon-reload; true`;

/** A scalar of the inventory's `all.vars` (YAML written by @tsplay/lab: `  key: "value"`). */
const invVar = (text: string, re: RegExp): string => re.exec(text)?.[1] ?? '';

describe('etcd day 2: a join after an upgrade takes the release checksum from etcdChecksums (issue 28)', () => {
  beforeAll(async () => {
    await labWith(5);
    await Promise.all(names.map((h) => hostOutput(h, WIPE, { become: true })));
    const boot = await tsplay('etcd.ts', inventoryOf(names.slice(0, 3)));
    if (boot.code !== 0) throw new Error(`bootstrap of 3 members on 3.4.23 failed: ${boot.stdout.slice(-2000)}${boot.stderr}`);
    const up = await tsplay('etcd-upgrade.ts', inventoryOf(names.slice(0, 3)), ['-e', 'etcdVersion=3.5.16']);
    if (up.code !== 0) throw new Error(`upgrade of 3 members to 3.5.16 failed: ${up.stdout.slice(-2000)}${up.stderr}`);
  });
  afterAll(async () => {
    await labWith(3);
  });

  test("3.5.16 cluster, 2 new hosts, only -e etcdVersion=3.5.16: both join on 3.5.16, the tarball has the inventory's 3.5.16 sha256", async () => {
    const inv = inventoryOf(names);
    const text = readFileSync(inv, 'utf8');
    const want = invVar(text, /^ {4}"3\.5\.16": "sha256:([0-9a-f]{64})"$/m);
    const pinned = invVar(text, /^ {2}etcdChecksum: "sha256:([0-9a-f]{64})"$/m);
    // the setting of the issue: the inventory's etcdChecksum is another release's, its etcdChecksums has 3.5.16
    expect(want).toMatch(/^[0-9a-f]{64}$/);
    expect(pinned).toMatch(/^[0-9a-f]{64}$/);
    expect(pinned).not.toBe(want);

    const r = await tsplay('etcd-add-member.ts', inv, ['-e', 'etcdVersion=3.5.16']);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('CHECKSUM_MISMATCH');
    for (const h of ['controller-3', 'controller-4']) {
      expect((await hostOutput(h, `sha256sum ${TARBALL} | cut -c1-64`, { become: true })).trim(), h).toBe(want);
      expect(await hostOutput(h, '/usr/local/bin/etcd --version | head -1', { become: true }), h).toBe('etcd Version: 3.5.16\n');
    }
    expect(await memberTable('controller-0')).toEqual(names.map((n) => `${n} started`));
    const status = await etcdctlOn(
      'controller-0',
      `--endpoints=${names.map((_, i) => `https://10.240.0.1${i}:2379`).join(',')} endpoint status -w json`,
    );
    const versions = (
      JSON.parse(status.split('\n').find((l) => l.startsWith('[')) ?? '[]') as { Endpoint: string; Status: { version: string } }[]
    )
      .filter((e) => e.Endpoint !== 'https://127.0.0.1:2379')
      .map((e) => e.Status.version);
    expect(versions).toEqual(names.map(() => '3.5.16'));
  });
});
