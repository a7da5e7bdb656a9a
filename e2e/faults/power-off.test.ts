/**
 * Fault 1 of issue 9 on the lab: a host powered off mid-run (its whole cgroup killed: supervisor, nspawn, every
 * process of the container) while it downloads the etcd tarball. The host is UNREACHABLE at once, the others
 * finish, exit 4; its disk (the overlay's upper dir) holds no partial file at the target. The lab is then brought
 * back to 3 running hosts (down + up: fresh hosts) and the run converges.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETCD_TARBALL, labDown, labStatus, labUp } from '@tsplay/lab';
import { hostNames, lab, newStateDir, resetAll } from './helpers.js';
import { faultRun } from './fault-run.js';
import { ensureLab, powerOff, throttle } from './host-control.js';

let stateDir: string;
const { runWithFault, expectOnlyHostUnreachable, expectConverges } = faultRun(() => stateDir);

beforeAll(async () => {
  await ensureLab(3); // a benchmark may have left a bigger lab up
  lab();
  stateDir = newStateDir('power-off');
  await resetAll();
});

afterAll(async () => {
  await ensureLab(3);
  await resetAll().catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('power-off on the lab', () => {
  it('1. host powered off mid-download: UNREACHABLE at once, the others finish, exit 4; nothing partial at the target; after a new boot the run converges', async () => {
    const h1 = hostNames()[1] as string;
    const upper = join(lab().paths.stateDir, 'hosts', 'h1', 'upper');
    await throttle(1, '16mbit');
    const { r, faultAt, resultAt } = await runWithFault(1500, () => powerOff(1));
    expectOnlyHostUnreachable(r, h1);
    expect((resultAt.get(h1) ?? Infinity) - faultAt).toBeLessThan(5_000);
    expect((await labStatus()).hosts.find((h) => h.name === h1)?.state).toBe('stopped');
    // the powered-off host's disk: no tarball at dest (a killed download leaves at most its temp file beside it)
    const src = join(upper, 'usr/local/src');
    expect(existsSync(join(src, ETCD_TARBALL))).toBe(false);
    const names = existsSync(src) ? readdirSync(src) : [];
    expect(names.filter((n) => !/^\.etcd-v3\.4\.23-linux-amd64\.tar\.gz\.tsplay-[A-Za-z0-9]{6}$/.test(n))).toEqual([]);

    // power back on: the lab again with 3 running hosts (fresh disks), and the run converges on all of them
    await labDown();
    await labUp({ hosts: 3 });
    expect((await labStatus()).hosts.map((h) => h.state)).toEqual(['running', 'running', 'running']);
    await expectConverges(...hostNames());
  });
});
