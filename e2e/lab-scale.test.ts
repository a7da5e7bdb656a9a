/**
 * Issue 18, "The lab at scale": `labUp` boots its hosts in bounded waves, each host waited for (an SSH login
 * with the host key), so many hosts come up on 2 cores. 24 hosts in waves of 8: every host accepts `admin`
 * with strict host-key checking against the lab's known_hosts and names itself; one progress line per wave;
 * the trimmed units do not run. Oracle: ssh(1) and the hosts' own systemctl, not the lab's report.
 * Leaves the lab at 3 hosts for the e2e files that run after this one.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { labPaths, labUp, labDown, sshArgs, TRIMMED_UNITS } from '@tsplay/lab';

const HOSTS = 24;
const WAVE = 8;

function ssh(address: string, command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = labPaths();
  return new Promise((resolve) => {
    const child = spawn('ssh', [...sshArgs({ privateKey: p.privateKey, knownHosts: p.knownHosts, address }), command], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('close', (code) => resolve({ code: code ?? 255, stdout, stderr }));
  });
}

describe(`the lab at ${HOSTS} hosts, booted in waves of ${WAVE}`, () => {
  afterAll(async () => {
    await labDown();
    await labUp({ hosts: 3 });
  });

  test('every host accepts an SSH login with strict host keys and names itself; one progress line per wave', async () => {
    const lines: string[] = [];
    const r = await labUp({ hosts: HOSTS, wave: WAVE, log: (l) => lines.push(l) });
    expect(r.hosts).toHaveLength(HOSTS);
    const waves = lines.filter((l) => /^ {2}wave \d+\/\d+: /.test(l));
    expect(waves).toHaveLength(HOSTS / WAVE);
    expect(waves[0]).toMatch(/^ {2}wave 1\/3: controller-0\.\.controller-7 up in [\d.]+ s \(8\/24\)$/);
    expect(waves.at(-1)).toMatch(/\(24\/24\)$/);

    // the lab's known_hosts has exactly one key per host, each host's address once
    const known = readFileSync(labPaths().knownHosts, 'utf8').trim().split('\n');
    expect(known.map((l) => l.split(' ')[0]).sort()).toEqual(r.hosts.map((h) => h.address).sort());

    const out = await Promise.all(r.hosts.map((h) => ssh(h.address, 'hostname; id -un; systemctl is-system-running --wait')));
    out.forEach((o, i) => {
      expect(o.code, o.stderr).toBe(0);
      const [name, user, state] = o.stdout.trim().split('\n');
      expect([name, user]).toEqual([r.hosts[i]?.name, 'admin']);
      expect(['running', 'degraded']).toContain(state);
    });

    // strict: the key of controller-0 does not open controller-1 (a known_hosts that has only the wrong key)
    const wrong = known.find((l) => l.startsWith(`${r.hosts[0]?.address} `))?.replace(/^\S+/, r.hosts[1]?.address ?? '');
    const p = labPaths();
    const file = `${p.stateDir}/known_hosts.wrong`;
    writeFileSync(file, `${wrong}\n`);
    try {
      const refused = await new Promise<{ code: number; stderr: string }>((resolve) => {
        const c = spawn('ssh', [...sshArgs({ privateKey: p.privateKey, knownHosts: file, address: r.hosts[1]?.address ?? '' }), 'true'], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        c.once('close', (code) => resolve({ code: code ?? 255, stderr }));
      });
      expect(refused.code).toBe(255);
      expect(refused.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    } finally {
      rmSync(file, { force: true });
    }
  });

  test('the trimmed units are masked and not running on a host; sshd, journald and dbus run', async () => {
    const last = `10.240.0.${10 + HOSTS - 1}`;
    const units = [...TRIMMED_UNITS.filter((u) => !u.includes('@')), 'ssh.service', 'systemd-journald.service', 'dbus.service'];
    const o = await ssh(last, `systemctl show -p Id,LoadState,ActiveState ${units.join(' ')}`);
    expect(o.code, o.stderr).toBe(0);
    const blocks = o.stdout
      .trim()
      .split('\n\n')
      .map((b) => Object.fromEntries(b.split('\n').map((l) => l.split('=') as [string, string])));
    const by = new Map(blocks.map((b) => [b['Id'], b]));
    for (const u of TRIMMED_UNITS.filter((x) => !x.includes('@')))
      expect([u, by.get(u)?.['LoadState'], by.get(u)?.['ActiveState']]).toEqual([u, 'masked', 'inactive']);
    for (const u of ['ssh.service', 'systemd-journald.service', 'dbus.service'])
      expect([u, by.get(u)?.['ActiveState']]).toEqual([u, 'active']);
  });
});
