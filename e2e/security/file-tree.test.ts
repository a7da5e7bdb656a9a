/**
 * Issue 25 on a lab host, the file and unarchive modules as root where an unprivileged user owns directories:
 * - `file` recurse (owner: the user) 20 times while the user, in a loop (a systemd unit running as it), swaps
 *   every file of its tree for a symlink to a root-only file: that file's owner, mode and sha256 stay;
 * - `file` absent and link through a symlink the user planted in its home: UNSAFE_PATH, the root-only
 *   directory unchanged (before: rm -rf removed root's file);
 * - `unarchive` into a dest with a subdirectory the user owns (and a symlink it planted there): UNSAFE_PATH
 *   naming it, nothing placed (before: the member was moved into the root-only directory).
 * Oracles: stat, sha256sum and ls on the host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '@tsplay/cli';
import { loadInventory, type Connection, type ResolvedHost } from '@tsplay/core';
import { executeModule, type AnyModule } from '@tsplay/core/module';
import { file, unarchive } from '@tsplay/modules';
import { hostOutput, lab, labHostExec } from '../helpers/lab.js';

const USER = 'tsplay-treeuser';
const UNIT = 'tsplay-e2e-treeswap';
const BASE = '/srv/tsplay-e2e-tree';
const ROOT_DIR = `${BASE}/root-only`;
const VICTIM = `${ROOT_DIR}/victim`;
const TREE = `/home/${USER}/tree`;
const RUNS = 20;
let conn: Connection;

const victim = () => hostOutput(0, `stat -c '%U %G %a' ${VICTIM} && sha256sum < ${VICTIM} && ls -A ${ROOT_DIR}`, { become: true });
const exec = (mod: unknown, args: Record<string, unknown>) => executeModule(conn, mod as AnyModule, args, { become: true });

beforeAll(async () => {
  lab();
  const files = Array.from({ length: 30 }, (_, i) => `${TREE}/sub/f${i}`).join(' ');
  const setup = [
    `id ${USER} >/dev/null 2>&1 || useradd -m -s /bin/sh ${USER}`,
    `rm -rf ${BASE} && install -d -m 0755 ${BASE} && install -d -m 0700 ${ROOT_DIR}`,
    `head -c 64 /dev/urandom > ${VICTIM} && chmod 0600 ${VICTIM}`,
    `install -d -o ${USER} -g ${USER} -m 0755 ${TREE} ${TREE}/sub`,
    `ln -sfn ${ROOT_DIR} /home/${USER}/planted && chown -h ${USER}:${USER} /home/${USER}/planted`,
    // an archive with app/bin/tool, and a dest whose app/ is the user's, with app/bin its symlink to the root-only dir
    `mkdir -p ${BASE}/src/app/bin && echo tool > ${BASE}/src/app/bin/tool && tar -czf ${BASE}/a.tgz -C ${BASE}/src app`,
    `install -d -m 0755 ${BASE}/dest && install -d -o ${USER} -g ${USER} ${BASE}/dest/app && ln -s ${ROOT_DIR} ${BASE}/dest/app/bin && chown -h ${USER}:${USER} ${BASE}/dest/app/bin`,
    // the attacker: as the user, forever: each file of its tree becomes a new file, then a symlink to the victim
    `systemd-run --quiet --unit=${UNIT} --uid=${USER} --gid=${USER} /bin/sh -c 'while :; do for f in ${files}; do : > "$f.n"; mv -f "$f.n" "$f"; ln -sfn ${VICTIM} "$f.l"; mv -f "$f.l" "$f"; done; done'`,
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
    `systemctl stop ${UNIT} 2>/dev/null; systemctl reset-failed ${UNIT} 2>/dev/null; userdel -r ${USER} 2>/dev/null; rm -rf ${BASE}; true`,
    { become: true },
  );
});

describe('file and unarchive as root among a host user’s directories', () => {
  it(`recurse owned by the user, ${RUNS} times while it swaps its files for symlinks to a root-only file: that file is untouched`, async () => {
    const before = await victim();
    expect(before).toMatch(/^root root 600\n[0-9a-f]{64} {2}-\nvictim\n$/);
    expect(await hostOutput(0, `systemctl is-active ${UNIT}`, { become: true })).toBe('active\n');
    const codes = new Set<string>();
    for (let i = 0; i < RUNS; i++) {
      const e = await exec(file, { path: TREE, state: 'directory', owner: USER, mode: i % 2 ? '0700' : '0750', recurse: true });
      codes.add(e.error?.code ?? e.outcome.status);
    }
    expect(await hostOutput(0, `systemctl is-active ${UNIT}`, { become: true })).toBe('active\n');
    expect(await victim()).toBe(before);
    // never refused (the tree is the owner's), and the recursion did run
    expect(codes.has('UNSAFE_PATH')).toBe(false);
    expect(codes.has('changed')).toBe(true);
  });

  it('absent and link through a symlink the user planted in its home: UNSAFE_PATH naming the home, root-only dir unchanged', async () => {
    const before = await victim();
    for (const args of [
      { path: `/home/${USER}/planted/victim`, state: 'absent' },
      { path: `/home/${USER}/planted/evil`, state: 'link', src: '/etc/shadow' },
    ]) {
      const e = await exec(file, args);
      expect([args.state, e.error?.code, e.error?.field]).toEqual([args.state, 'UNSAFE_PATH', `/home/${USER}`]);
    }
    expect(await victim()).toBe(before);
  });

  it('unarchive into a dest whose app/ the user owns: UNSAFE_PATH naming it, in check mode and for a fresh run; nothing placed', async () => {
    const before = await victim();
    const check = await executeModule(
      conn,
      unarchive as unknown as AnyModule,
      { src: `${BASE}/a.tgz`, dest: `${BASE}/dest` },
      { become: true, check: true },
    );
    expect([check.error?.code, check.error?.field]).toEqual(['UNSAFE_PATH', `${BASE}/dest/app`]);
    const fresh = await exec(unarchive, { src: `${BASE}/a.tgz`, dest: `${BASE}/dest`, include: ['app/bin/tool'] });
    expect([fresh.error?.code, fresh.error?.field]).toEqual(['UNSAFE_PATH', `${BASE}/dest/app`]);
    expect(await victim()).toBe(before);
    expect(await hostOutput(0, `ls -A ${BASE}/dest ${BASE}/dest/app`, { become: true })).toBe(
      `${BASE}/dest:\napp\n\n${BASE}/dest/app:\nbin\n`,
    );
  });
});
