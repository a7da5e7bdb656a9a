/**
 * Faults 4 and 6 of issue 9 on the lab: a checksum mismatch from the file server and a full filesystem under
 * the download. Each ends in a coded error naming host and task, leaves no partial file, and the next run
 * converges.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETCD_TARBALL } from '@tsplay/lab';
import {
  byHost,
  converge,
  etcdArgs,
  expectHealthyCluster,
  expectNoPartialFiles,
  explain,
  hostNames,
  hostOutput,
  lab,
  labHostExec,
  newStateDir,
  resetAll,
  TASKS,
  tsplay,
} from './helpers.js';
import { ensureLab } from './host-control.js';
import { recordSurvived } from './survived.js';

const TARBALL = `/usr/local/src/${ETCD_TARBALL}`;
const WRONG = 'sha256:' + 'ab'.repeat(32);
let stateDir: string;

beforeAll(async () => {
  await ensureLab(3); // a benchmark may have left a bigger lab up
  lab();
  stateDir = newStateDir('download');
  await resetAll();
});

afterAll(async () => {
  await labHostExec(0, 'mountpoint -q /usr/local/src && umount /usr/local/src; true', { become: true }).catch(() => undefined);
  await resetAll().catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('download faults on the lab', () => {
  it('6. checksum mismatch: CHECKSUM_MISMATCH with expected and actual on every host, nothing at dest; the re-run converges', async () => {
    // the lab inventory's etcdChecksums map wins over etcdChecksum (as for upgrades): empty it so the wrong sum is used
    const r = await tsplay(etcdArgs('-e', `etcdChecksum=${WRONG}`, '-e', 'etcdChecksums={}'), { stateDir });
    expect(r.code, explain(r)).toBe(2);
    const failed = r.results.filter((x) => x.status === 'failed');
    expect(failed.map((x) => [x.host, x.task, x.error?.code]).sort()).toEqual(
      hostNames().map((h) => [h, 'download etcd', 'CHECKSUM_MISMATCH']),
    );
    const actual = lab().tarballSha256;
    for (const f of failed) {
      expect(f.error?.message).toContain(`expected sha256 ${'ab'.repeat(32)}`);
      expect(f.error?.message).toContain(`got ${actual}`);
      expect(f.error?.host).toBe(f.host);
    }
    // nothing after the failed task ran
    expect(r.results.some((x) => x.task === 'install etcd binaries')).toBe(false);
    expect((await labHostExec(0, `test -e ${TARBALL}`, { become: true })).code).toBe(1);
    await expectNoPartialFiles();

    const again = await converge(stateDir);
    expect(again.changed).toEqual(byHost(hostNames(), TASKS));
    await expectNoPartialFiles();
    recordSurvived(expect.getState().currentTestName ?? 'download fault', { partialFiles: 0, convergedRuns: 1 });
  });

  it('4. disk full under the download (1 MiB tmpfs on /usr/local/src): DISK_FULL naming the host and task, no partial file; the re-run converges', async () => {
    const [h0] = hostNames() as [string];
    // the cluster is converged: only controller-0 has to download again, into a filesystem too small for it
    await hostOutput(0, `rm -f ${TARBALL} && mount -t tmpfs -o size=1m tmpfs /usr/local/src && findmnt -n -o FSTYPE /usr/local/src`, {
      become: true,
    });
    try {
      const r = await tsplay(etcdArgs(), { stateDir });
      expect(r.code, explain(r)).toBe(2);
      const failed = r.results.filter((x) => x.status === 'failed');
      expect(failed.map((x) => [x.host, x.task, x.error?.code])).toEqual([[h0, 'download etcd', 'DISK_FULL']]);
      expect(failed[0]?.error?.message).toContain(TARBALL);
      expect(failed[0]?.error?.hint).toContain('/usr/local/src');
      // the other hosts went on to the end
      expect(r.recap?.hosts[hostNames()[1]!]?.failed).toBe(0);
      expect(
        r.results
          .filter((x) => x.task === 'etcd endpoint health' && x.status === 'ok')
          .map((x) => x.host)
          .sort(),
      ).toEqual(hostNames().slice(1));
      expect(await hostOutput(0, 'ls -A /usr/local/src; df -Pk /usr/local/src | awk "NR==2{print \\$3}"', { become: true })).toBe('0\n');
      await expectNoPartialFiles();
    } finally {
      await hostOutput(0, 'umount /usr/local/src', { become: true });
    }
    const again = await converge(stateDir);
    expect(again.changed).toEqual([`${h0} › download etcd`]);
    await expectNoPartialFiles();
    await expectHealthyCluster();
  });
});
