/**
 * Issue 25, item 1, on a lab host: an unprivileged user swaps symlinks in a loop over every name in its own
 * ~/.ssh (tsplay's temp names and the target) while tsplay, logged in and become root, writes
 * ~/.ssh/authorized_keys 200 times (SSH put: the safe write). A root-only file's owner, mode and sha256, read on
 * the host with stat and sha256sum, stay what they were. Before the safe write, root's chown/chmod by path
 * landed on the symlink's target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '@tsplay/cli';
import { loadInventory, type Connection, type ResolvedHost } from '@tsplay/core';
import { hostOutput, lab, labHostExec } from '../helpers/lab.js';

const USER = 'tsplay-racer';
const UNIT = 'tsplay-e2e-racer';
const VICTIM = '/root/tsplay-race-victim';
const WRITES = 200;
let conn: Connection;

/** owner, group, mode and sha256 of the victim, as the host itself sees them. */
const victim = () => hostOutput(0, `stat -c '%U %G %a' ${VICTIM} && sha256sum < ${VICTIM}`, { become: true });

beforeAll(async () => {
  lab();
  const setup = [
    `id ${USER} >/dev/null 2>&1 || useradd -m -s /bin/sh ${USER}`,
    `install -d -o ${USER} -g ${USER} -m 0700 /home/${USER}/.ssh`,
    `head -c 64 /dev/urandom > ${VICTIM} && chmod 0600 ${VICTIM} && chown root:root ${VICTIM}`,
    // the attacker: as the user, forever: every name in ~/.ssh becomes a symlink to the victim, swapped in by rename
    `systemd-run --quiet --unit=${UNIT} --uid=${USER} --gid=${USER} /bin/sh -c 'cd /home/${USER}/.ssh; while :; do for f in .*tsplay* authorized_keys; do ln -sf ${VICTIM} "x.$f" 2>/dev/null && mv -f "x.$f" "$f" 2>/dev/null; done; done'`,
  ].join(' && ');
  const r = await labHostExec(0, setup, { become: true });
  expect(r.code, r.stderr).toBe(0);
  const inv = await loadInventory(lab().inventoryFile);
  conn = await connectHost(inv.hosts[0] as ResolvedHost, { persist: 0 });
});

afterAll(async () => {
  await conn?.close();
  await labHostExec(
    0,
    `systemctl stop ${UNIT} 2>/dev/null; systemctl reset-failed ${UNIT} 2>/dev/null; userdel -r ${USER} 2>/dev/null; rm -f ${VICTIM}; true`,
    { become: true },
  );
});

describe('symlink race on a lab host', () => {
  it(`${WRITES} root writes into a directory whose owner swaps symlinks in a loop: the root-only file is untouched`, async () => {
    const before = await victim();
    expect(await hostOutput(0, `systemctl is-active ${UNIT}`, { become: true })).toBe('active\n');
    let ok = 0;
    const failures = new Set<string>();
    for (let i = 0; i < WRITES; i++) {
      try {
        await conn.put(`/home/${USER}/.ssh/authorized_keys`, `ssh-ed25519 AAAA${i} racer@lab\n`, {
          owner: USER,
          group: USER,
          mode: 0o600,
          become: true,
        });
        ok++;
      } catch (e) {
        failures.add((e as Error).message.replace(/\d+/g, 'N').slice(0, 200));
      }
    }
    // the attacker was running all along
    expect(await hostOutput(0, `systemctl is-active ${UNIT}`, { become: true })).toBe('active\n');
    expect(await victim()).toBe(before);
    expect(before).toMatch(/^root root 600\n[0-9a-f]{64} {2}-\n$/);
    // the writes ran (as the user, in its own directory): most succeed; a swapped one fails, never lands on root's file
    expect(ok, [...failures].join('\n')).toBeGreaterThan(0);
  });
});
