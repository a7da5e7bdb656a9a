/**
 * A long script goes to a lab host on the channel's stdin, not on the command line (ssh's script-stdin.ts): the
 * host's own records say so. sudo's log in the host's journal holds no command line longer than a short one,
 * `ps -eo args` polled on the host while a long script runs never shows it, and the script behaves as it did on
 * the command line (its output, its exit code, its stdin at the end or the stdin it was given, a timeout, become
 * with a password).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, secret, type Connection, type ResolvedHost } from '@tsplay/core';
import { hostOutput, lab, labHostExec, waitFor } from '../helpers/lab.js';
import { connectHost } from '../helpers/connect.js';
import { addPasswordSudoUser, removeSudoUser } from '../helpers/sudo-user.js';

const HOST = 'controller-1';
let host: ResolvedHost;
let conn: Connection;

/** A script of `kb` KB: a marker, a comment line of padding, then what `tail` says; its text is unique to the call. */
function longScript(kb: number, tail: string): { script: string; marker: string } {
  const marker = `tsplay_e2e_stdin_${randomBytes(6).toString('hex')}`;
  const pad = `# ${'x'.repeat(1000)}\n`.repeat(kb);
  return { script: `${marker}=1\n${pad}${tail}`, marker };
}

/** sudo's log lines on the host since `since` (journalctl's own clock). */
const sudoLog = async (since: string) =>
  (await hostOutput(HOST, `journalctl -q -t sudo -o cat --since '${since}'`, { become: true })).split('\n');
const hostNow = async () => (await hostOutput(HOST, "date '+%Y-%m-%d %H:%M:%S'")).trim();

beforeAll(async () => {
  const inv = await loadInventory(lab().inventoryFile);
  const h = inv.hosts.find((x) => x.name === HOST);
  if (!h) throw new Error(`${HOST} is not in the lab inventory`);
  host = h;
  conn = await connectHost(h);
});

afterAll(async () => {
  await conn?.close();
});

describe('a long script on stdin (lab host)', () => {
  it('runs as root with the same output and exit code; sudo logs only the short command; ps never shows the script', async () => {
    const since = await hostNow();
    const { script, marker } = longScript(40, 'id -u; printf "%s\\n" "$1-none"; [ -z "$(cat)" ] && echo stdin-empty; sleep 2; exit 7');
    const polled: string[] = [];
    let done = false;
    const run = conn.exec(script, { become: true }).finally(() => (done = true));
    while (!done) polled.push(...(await labHostExec(HOST, 'ps -eo args', { become: true })).stdout.split('\n'));
    const r = await run;
    expect(r.code, r.stderr).toBe(7);
    expect(r.stdout).toBe('0\n-none\nstdin-empty\n');
    expect(
      polled.some((l) => l.trim() === '/bin/sh -s'),
      'the poll saw the short command running',
    ).toBe(true);
    expect(polled.filter((l) => l.includes(marker))).toEqual([]);
    const log = await sudoLog(since);
    expect(log.some((l) => l.includes(`COMMAND=/bin/sh -c 'exec /bin/sh -s'`))).toBe(true);
    expect(log.filter((l) => l.includes(marker) || l.includes('command continued'))).toEqual([]);
  });

  it('with stdin of its own: the script goes ahead of it, read to its last byte by the short command; the script reads exactly its stdin', async () => {
    const since = await hostNow();
    const own = Buffer.concat([Buffer.from(`line\n{ } ' " $x\n`), randomBytes(3000)]);
    const { script, marker } = longScript(
      300,
      `head -c ${own.length} | sha256sum | cut -c1-64; [ -z "$(cat)" ] && echo stdin-at-end; sleep 1; exit 6`,
    );
    const polled: string[] = [];
    let done = false;
    const run = conn.exec(script, { become: true, stdin: own }).finally(() => (done = true));
    while (!done) polled.push(...(await labHostExec(HOST, 'ps -eo args', { become: true })).stdout.split('\n'));
    const r = await run;
    expect({ code: r.code, stdout: r.stdout }, r.stderr).toEqual({
      code: 6,
      stdout: `${createHash('sha256').update(own).digest('hex')}\nstdin-at-end\n`,
    });
    expect(polled.filter((l) => l.includes(marker))).toEqual([]);
    const log = await sudoLog(since);
    expect(log.some((l) => l.includes('__tsplay_script=$(head -c'))).toBe(true);
    expect(log.filter((l) => l.includes(marker) || l.includes('command continued'))).toEqual([]);
  });

  it('a short command stays on the command line, as sudo logs it', async () => {
    const since = await hostNow();
    const tag = `tsplay-e2e-short-${randomBytes(4).toString('hex')}`;
    const r = await conn.exec(`echo ${tag}`, { become: true });
    expect(r.stdout).toBe(`${tag}\n`);
    expect((await sudoLog(since)).some((l) => l.includes(`COMMAND=/bin/sh -c 'echo ${tag}'`))).toBe(true);
  });

  it("a long script's timeout still ends it on the host", async () => {
    const sleeper = `sleep 36.${randomInt(1000, 9999)}`;
    const { script } = longScript(8, `${sleeper}; echo late`);
    const r = await conn.exec(script, { become: true, timeoutMs: 1500 });
    expect(r.timedOut).toBe(true);
    expect(r.stdout).not.toContain('late');
    // the host-side backstop (timeout -k 1, 0.5 s after the client's) ends the sleep too, long before its 36 s
    const count = async () => Number((await hostOutput(HOST, `ps -eo args | grep -cx '${sleeper}' || true`)).trim());
    await waitFor('the sleep to end on the host', async () => ((await count()) === 0 ? true : undefined), { timeoutMs: 15_000 });
  });

  it('become with a password: the password line first, then the script, both on stdin', async () => {
    const user = 'tsplaystdin';
    const password = `sp-${randomBytes(10).toString('hex')}`;
    await addPasswordSudoUser(HOST, user, password);
    const c = await connectHost({ ...host, user }, { becomePassword: secret(password) });
    try {
      const { script } = longScript(20, 'id -u; [ -z "$(cat)" ] && echo stdin-empty');
      const r = await c.exec(script, { become: true });
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: '0\nstdin-empty\n' });
      const token = randomBytes(8).toString('hex');
      const { script: reads } = longScript(20, `id -u; [ "$(cat)" = ${token} ] && echo stdin-read`);
      const withStdin = await c.exec(reads, { become: true, stdin: token });
      expect({ code: withStdin.code, stdout: withStdin.stdout }).toEqual({ code: 0, stdout: '0\nstdin-read\n' });
    } finally {
      await c.close();
      await removeSudoUser(HOST, user);
    }
  });
});
