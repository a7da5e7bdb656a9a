/**
 * Faults 7, 8 and 12 of issue 9 on the lab: a login user without sudo rights (BECOME_FAILED), a changed host key
 * (HOST_KEY_CHANGED: the host is refused and nothing on it is touched) and a command outliving its timeoutMs
 * (fails at once, nothing left running on the host).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/lab.js';
import { explain, FIXTURES, hostNames, hostOutput, lab, labHostExec, newStateDir, onAllHosts, tsplay } from './helpers.js';
import { ensureLab } from './host-control.js';

const PROBE_DIR = '/etc/tsplay-faults-sudo';
let stateDir: string;
let tmp: string;

/** An inventory like the lab's (same key, known_hosts, addresses) with per-host overrides. */
function inventory(name: string, opts: { knownHosts?: string; hostExtra?: Record<string, string> } = {}): string {
  const p = lab().paths;
  const hosts = lab()
    .hosts.map((h) => `  ${h.name}: { address: ${h.address}${opts.hostExtra?.[h.name] ? `, ${opts.hostExtra[h.name]}` : ''} }`)
    .join('\n');
  const text = [
    'defaults:',
    '  user: admin',
    `  privateKeyPath: ${JSON.stringify(p.privateKey)}`,
    `  knownHosts: ${JSON.stringify(opts.knownHosts ?? p.knownHosts)}`,
    '  hostKeyChecking: strict',
    'hosts:',
    hosts,
    'groups:',
    `  controllers: { hosts: [${hostNames().join(', ')}] }`,
    '',
  ].join('\n');
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

const probeRun = (inv: string) => tsplay(['run', join(FIXTURES, 'sudo-probe.ts'), '-i', inv], { stateDir });
const probeDirs = async () => (await onAllHosts(`test -d ${PROBE_DIR} && echo yes || echo no`)).map((r) => r.stdout.trim());

beforeAll(async () => {
  await ensureLab(3); // a benchmark may have left a bigger lab up
  lab();
  stateDir = newStateDir('access');
  tmp = newStateDir('access-tmp');
  await onAllHosts(`rm -rf ${PROBE_DIR}`, { become: true });
});

afterAll(async () => {
  await onAllHosts(
    `rm -rf ${PROBE_DIR}; userdel -r tsplaynosudo 2>/dev/null; pkill -f 'sleep 60.4321'; rm -f /tmp/tsplay-faults-timeout-survived; true`,
    { become: true },
  ).catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('access and timeout faults on the lab', () => {
  it('7. sudo without rights: BECOME_FAILED naming the host, the other hosts go on, nothing written there', async () => {
    const key = join(tmp, 'nosudo_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tsplay-faults', '-f', key]);
    const pub = readFileSync(`${key}.pub`, 'utf8').trim();
    await hostOutput(
      0,
      [
        'id tsplaynosudo >/dev/null 2>&1 || useradd -m -s /bin/sh tsplaynosudo',
        'install -d -m 700 -o tsplaynosudo -g tsplaynosudo /home/tsplaynosudo/.ssh',
        `printf '%s\\n' '${pub}' > /home/tsplaynosudo/.ssh/authorized_keys`,
        'chown tsplaynosudo:tsplaynosudo /home/tsplaynosudo/.ssh/authorized_keys && chmod 600 /home/tsplaynosudo/.ssh/authorized_keys',
        '! sudo -l -U tsplaynosudo 2>/dev/null | grep -q "may run"',
      ].join('\n'),
      { become: true },
    );
    const h0 = hostNames()[0] as string;
    const inv = inventory('nosudo', { hostExtra: { [h0]: `user: tsplaynosudo, privateKeyPath: ${JSON.stringify(key)}` } });
    const r = await probeRun(inv);
    expect(r.code, explain(r)).toBe(2);
    expect(r.events.filter((e) => e.type === 'connect').every((e) => (e as { ok: boolean }).ok)).toBe(true); // the login itself works
    const failed = r.results.filter((x) => x.status === 'failed');
    expect(failed.map((x) => [x.host, x.task, x.error?.code])).toEqual([[h0, 'root-owned dir', 'BECOME_FAILED']]);
    expect(`${failed[0]?.error?.message} ${failed[0]?.error?.host}`).toContain(h0);
    expect(failed[0]?.error?.hint).toMatch(/sudo/i);
    expect(r.results.filter((x) => x.host !== h0).map((x) => x.status)).toEqual(['changed', 'changed']);
    expect(await probeDirs()).toEqual(['no', 'yes', 'yes']);
    await onAllHosts(`rm -rf ${PROBE_DIR}`, { become: true });
  });

  it('8. changed host key (controller-1 presents a key other than the recorded one): HOST_KEY_CHANGED, that host refused and untouched', async () => {
    const lines = readFileSync(lab().paths.knownHosts, 'utf8').split('\n').filter(Boolean);
    const [a1, a2] = [lab().hosts[1]!.address, lab().hosts[2]!.address];
    const key2 = lines.find((l) => l.startsWith(`${a2} `))!.slice(a2.length + 1);
    const swapped = lines.map((l) => (l.startsWith(`${a1} `) ? `${a1} ${key2}` : l));
    expect(swapped).not.toEqual(lines);
    const kh = join(tmp, 'known_hosts');
    writeFileSync(kh, swapped.join('\n') + '\n');
    const h1 = hostNames()[1] as string;
    const r = await probeRun(inventory('swapped-key', { knownHosts: kh }));
    expect(r.code, explain(r)).toBe(4); // the runner reports the refused host as unreachable
    const connect = r.events.find((e) => e.type === 'connect' && e.host === h1) as
      | { ok: boolean; error?: { code: string; message: string } }
      | undefined;
    const res = r.results.find((x) => x.host === h1);
    const code = connect?.error?.code ?? res?.error?.code;
    expect(code, explain(r)).toBe('HOST_KEY_CHANGED');
    expect(r.results.filter((x) => x.host === h1 && x.status !== 'unreachable')).toEqual([]);
    expect(r.results.filter((x) => x.host !== h1).map((x) => x.status)).toEqual(['changed', 'changed']);
    expect(await probeDirs()).toEqual(['yes', 'no', 'yes']);
    // the recorded file was not rewritten (strict: no accept-new, no "fix")
    expect(readFileSync(kh, 'utf8')).toBe(swapped.join('\n') + '\n');
    await onAllHosts(`rm -rf ${PROBE_DIR}`, { become: true });
  });

  it('12. a command task with timeoutMs 500 running `sleep 60`: fails with a timeout within ~1 s, nothing left running on the host', async () => {
    const r = await tsplay(['run', join(FIXTURES, 'timeout.ts'), '-i', lab().inventoryFile], { stateDir });
    expect(r.code, explain(r)).toBe(2);
    const failed = r.results.filter((x) => x.status === 'failed');
    expect(failed.map((x) => [x.host, x.task]).sort()).toEqual(hostNames().map((h) => [h, 'sleeps past its timeout']));
    for (const f of failed) {
      expect(f.durationMs).toBeGreaterThanOrEqual(450);
      expect(f.durationMs).toBeLessThan(15_000); // generous: the command alone would take 60 s
    }
    expect(r.results.some((x) => x.task === 'after')).toBe(false);
    // nothing of the command survives on any host (not the sleep, not the shell that would touch the marker). Under
    // sudo the client's KILL signal request cannot reach it (sshd sends it as the login user); the host-side backstop
    // (`timeout -k 1`, 500 ms after the client's timer) ends it: allow that bound, no more.
    const ended = Date.now();
    await waitFor(
      'the timed-out command to be gone on every host',
      async () =>
        (await onAllHosts("pgrep -af 'sleep 60.4321|tsplay-faults-timeout-survived' || true", { become: true })).every(
          (x) => x.stdout.trim() === '',
        )
          ? true
          : undefined,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    // the backstop ends it ~1.5 s after the timeout; the bound is generous and still far below the 60 s it would run
    expect(Date.now() - ended).toBeLessThan(30_000);
    expect((await onAllHosts('test -e /tmp/tsplay-faults-timeout-survived && echo left || echo none')).map((x) => x.stdout.trim())).toEqual(
      ['none', 'none', 'none'],
    );
    // the error says it was a timeout (a coded COMMAND_TIMEOUT, not a generic failure)
    for (const f of failed) {
      expect(f.error?.code, f.error?.message).toBe('COMMAND_TIMEOUT');
      expect(f.error?.message).toMatch(/timed out after 500 ms/);
    }
  });
});
