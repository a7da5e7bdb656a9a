/**
 * Issue 5, "Done when": the lab gives real controllers (SSH with strict host keys, sudo, systemd), a file
 * server the hosts trust, the GCE metadata answer, and can host a 3-node etcd cluster; `labDown` leaves
 * nothing behind. The down/up test is the last one of this file and brings the lab back up (same host
 * count), so e2e files running after this one find it up again (fresh hosts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { ETCD_TARBALL, ETCD_URL_BASE, ETCD_VERSION, labDown, labPaths, labStatus, labUp, sshArgs } from '@tsplay/lab';
import { cleanupEtcdByHand, memberListScript, PEER_PORT, startScript, unitActiveScript } from './helpers/etcd-by-hand.js';
import { local } from './helpers/local.js';
import { hostOutput, lab, labHostExec, onAllHosts, waitFor } from './helpers/lab.js';

const TARBALL_URL = `${ETCD_URL_BASE}/v${ETCD_VERSION}/${ETCD_TARBALL}`;
const METADATA_URL = 'http://metadata.google.internal/computeMetadata/v1/instance/network-interfaces/0/ip';

function sshWith(knownHosts: string, address: string): Promise<{ code: number; stderr: string }> {
  const { paths } = lab();
  return new Promise((resolve) => {
    const child = spawn('ssh', [...sshArgs({ privateKey: paths.privateKey, knownHosts, address }), 'true'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('close', (code) => resolve({ code: code ?? 255, stderr }));
  });
}

describe('lab hosts', () => {
  test('the inventory lists the hosts with the etcd vars', () => {
    const { hosts, inventoryFile, tarballSha256, paths } = lab();
    expect(hosts.map((h) => h.address).slice(0, 3)).toEqual(['10.240.0.10', '10.240.0.11', '10.240.0.12']);
    const inv = readFileSync(inventoryFile, 'utf8');
    expect(inv).toContain(`etcdChecksum: "sha256:${tarballSha256}"`);
    expect(inv).toContain(`etcdCaFile: ${JSON.stringify(paths.caCert)}`);
    expect(inv).toContain('hostKeyChecking: strict');
    for (const h of hosts) expect(inv).toContain(`${h.name}: { address: ${h.address}, vars: { internalIp: "${h.address}" } }`);
  });

  test('admin logs in on each host with strict host-key checking, and an unknown key is refused', async () => {
    const { hosts } = lab();
    const out = await onAllHosts('id -un; hostname');
    out.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n').slice(0, 2)).toEqual(['admin', hosts[i]?.name]);
    });
    const refused = await sshWith('/dev/null', '10.240.0.10');
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/Host key verification failed/);
  });

  test('sudo -n works for admin', async () => {
    for (const r of await onAllHosts('sudo -n true && sudo -n id -u')) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('0');
    }
  });

  test('systemd is running with no failed unit', async () => {
    const out = await onAllHosts('systemctl is-system-running --wait; systemctl list-units --failed --plain --no-legend');
    for (const r of out) {
      const [state, ...failed] = r.stdout.trim().split('\n');
      expect(['running', 'degraded']).toContain(state);
      expect(failed.filter(Boolean)).toEqual([]);
    }
  });

  test('each host fetches the etcd tarball over HTTPS without -k, and its sha256 matches', async () => {
    const { tarballSha256, paths } = lab();
    const local = createHash('sha256').update(readFileSync(paths.tarball)).digest('hex');
    expect(local).toBe(tarballSha256);
    const script = `set -e; cd "$(mktemp -d)"; curl -fsS --proto =https -o t.tgz '${TARBALL_URL}'; sha256sum t.tgz | cut -d' ' -f1; tar -tzf t.tgz | sort; curl -fsS '${TARBALL_URL.replace(ETCD_TARBALL, 'SHA256SUMS')}'; cd /; rm -rf "$OLDPWD"`;
    for (const r of await onAllHosts(script)) {
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe(tarballSha256);
      const top = `etcd-v${ETCD_VERSION}-linux-amd64`;
      expect(lines.slice(1, -1).filter((l) => !l.endsWith('/'))).toEqual([`${top}/README.md`, `${top}/etcd`, `${top}/etcdctl`]);
      expect(lines.at(-1)).toBe(`${tarballSha256}  ${ETCD_TARBALL}`);
    }
  });

  test('the metadata server answers each host with its own address, and 403 without the header', async () => {
    const { hosts } = lab();
    const out = await onAllHosts(
      `curl -fsS -H 'Metadata-Flavor: Google' ${METADATA_URL}; echo; curl -s -o /dev/null -w '%{http_code}' ${METADATA_URL}`,
    );
    out.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n')).toEqual([hosts[i]?.address, '403']);
    });
  });

  test('a 3-node etcd cluster started by hand with the lab PKI reports 3 members started', async () => {
    const { hosts, paths } = lab();
    const cluster = hosts.slice(0, 3);
    try {
      const started = await Promise.all(
        cluster.map(async (h) =>
          labHostExec(h.index, await startScript(h, cluster, { ca: paths.caCert, cert: paths.cert, key: paths.key }), { become: true }),
        ),
      );
      for (const r of started) expect(r.code, r.stderr).toBe(0);
      const members = await waitFor(
        '3 etcd members started',
        async () => {
          const out = await hostOutput(0, memberListScript, { become: true });
          const lines = out.trim().split('\n');
          return lines.length === 3 && lines.every((l) => l.includes(', started, ')) ? lines : undefined;
        },
        { timeoutMs: 60_000 },
      );
      expect(members.map((l) => l.split(', ')[2]).sort()).toEqual(cluster.map((h) => h.name));
      expect(members.map((l) => l.split(', ')[3]).sort()).toEqual(cluster.map((h) => `https://${h.address}:${PEER_PORT}`));
      for (const r of await onAllHosts(unitActiveScript, { become: true })) expect(r.code).toBe(0);
    } finally {
      await cleanupEtcdByHand();
    }
    for (const r of await onAllHosts('test ! -e /tmp/tsplay-e2e-etcd && ! systemctl is-active -q tsplay-e2e-etcd')) expect(r.code).toBe(0);
  });
});

describe('lab host reboot', () => {
  test('a host that reboots (nspawn exit 133) is booted again by its supervisor', async () => {
    const { paths, hosts } = lab();
    const h = hosts[hosts.length - 1]!;
    const dir = `${paths.stateDir}/hosts/h${h.index}`;
    const pidOf = (f: string): string => readFileSync(`${dir}/${f}`, 'utf8').trim();
    const [supervisor, nspawn] = [pidOf('supervisor.pid'), pidOf('nspawn.pid')];
    const bootId = (await hostOutput(h.index, 'cat /proc/sys/kernel/random/boot_id')).trim();
    await labHostExec(h.index, 'sudo -n systemctl reboot');
    const after = await waitFor('the host to come back after reboot', async () => {
      const r = await labHostExec(h.index, 'cat /proc/sys/kernel/random/boot_id; systemctl is-system-running --wait');
      const [id, state] = r.stdout.trim().split('\n');
      return r.code === 0 && id !== bootId ? state : undefined;
    });
    expect(['running', 'degraded']).toContain(after);
    expect(pidOf('supervisor.pid')).toBe(supervisor);
    expect(pidOf('nspawn.pid')).not.toBe(nspawn);
    expect((await labStatus()).state).toBe('up');
  });
});

/** State letter and start time of a process, from /proc/PID/stat (after the last ')' of the command name). */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const t = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = t.slice(t.lastIndexOf(')') + 2).split(' ');
    return { state: f[0] ?? '', start: f[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** Every pid in the lab's cgroups (read from /sys/fs/cgroup directly, not through the lab package). */
function labCgroupPids(): number[] {
  const out = spawnSync('sh', ['-c', 'cat $(find /sys/fs/cgroup -path "*tsplay-lab*" -name cgroup.procs) 2>/dev/null'], {
    encoding: 'utf8',
  });
  return [...new Set(out.stdout.split('\n').filter(Boolean).map(Number))];
}

/**
 * What a killed run in another checkout (a fresh-clone CI run) leaves: a lab overlay on one of its host dirs,
 * and its supervisor (a process named by its state dir) with its working directory inside that overlay.
 */
async function foreignLab(): Promise<{ dir: string; merged: string; pid: number }> {
  const dir = mkdtempSync('/tmp/tsplay-e2e-ci-');
  const host = `${dir}/p/.lab/hosts/h0`;
  for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(`${host}/${d}`, { recursive: true });
  const opts = `lowerdir=${host}/lower,upperdir=${host}/upper,workdir=${host}/work`;
  const m = await local('mount', ['-t', 'overlay', 'tsplay-lab', '-o', opts, `${host}/merged`]);
  expect(m.code, m.stderr).toBe(0);
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)', `${dir}/p/.lab/supervisor.sh`, host], {
    cwd: `${host}/merged`,
    stdio: 'ignore',
  });
  return { dir, merged: `${host}/merged`, pid: child.pid ?? 0 };
}

async function removeForeignLab(f: { dir: string; merged: string; pid: number }): Promise<void> {
  try {
    process.kill(f.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  if (readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${f.merged} `)) await local('umount', ['-l', f.merged]);
  rmSync(f.dir, { recursive: true, force: true });
}

describe('lab down', () => {
  let hostsBefore = 3;
  afterAll(async () => {
    // leave the lab up for the e2e files that run after this one
    await labUp({ hosts: hostsBefore });
  });

  test('labDown leaves no lab process, mount, namespace, cgroup or veth; up works again', async () => {
    const { paths, hosts } = lab();
    hostsBefore = hosts.length;
    // every process of the lab now (the hosts' cgroups: supervisors, nspawn, the containers), with its start time
    const before = labCgroupPids()
      .map((pid) => ({ pid, start: procStat(pid)?.start }))
      .filter((p) => p.start !== undefined);
    expect(before.length).toBeGreaterThan(hosts.length * 3);
    const foreign = await foreignLab();
    const foreignStart = procStat(foreign.pid)?.start;
    expect(foreignStart).toBeDefined();
    try {
      await labDown();
      // another checkout's overlay is unmounted and its supervisor stopped (its files are not ours to remove)
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(foreign.dir);
      const s = procStat(foreign.pid);
      expect(s === undefined || s.start !== foreignStart || s.state === 'Z' || s.state === 'X', JSON.stringify(s)).toBe(true);
      expect(existsSync(`${foreign.dir}/p/.lab/hosts/h0/upper`)).toBe(true);
    } finally {
      await removeForeignLab(foreign);
    }
    // the moment labDown returns, each of them has exited: gone, a zombie, or its pid reused by another process
    expect(
      before.filter((p) => {
        const s = procStat(p.pid);
        return s !== undefined && s.start === p.start && s.state !== 'Z' && s.state !== 'X';
      }),
    ).toEqual([]);

    const ps = await local('ps', ['-eo', 'stat=,args=']);
    const procs = ps.stdout.split('\n').filter((l) => !l.startsWith('Z') && /systemd-nspawn|fileserver\.mjs|supervisor\.sh/.test(l));
    expect(procs).toEqual([]);
    expect(
      readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .filter((l) => l.includes(paths.stateDir) || l.includes('tsplay-lab')),
    ).toEqual([]);
    expect((await local('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith('tsplay-'))).toEqual([]);
    expect((await local('find', ['/sys/fs/cgroup', '-maxdepth', '2', '-name', 'tsplay-lab'])).stdout.trim()).toBe('');
    expect((await local('ip', ['-o', 'link', 'show'])).stdout).not.toMatch(/tsplay/);
    expect(existsSync(paths.inventoryFile)).toBe(false);
    expect(existsSync(paths.privateKey)).toBe(false);
    // kept: the cached rootfs and tarball, and the guard (lab addresses are unreachable, nothing leaves)
    expect(existsSync(`${paths.rootfs}/etc/tsplay-lab-rootfs`)).toBe(true);
    expect(existsSync(paths.tarball)).toBe(true);
    const route = await local('ip', ['route', 'get', '10.240.0.10']);
    expect(route.stdout + route.stderr).toMatch(/unreachable|No route to host/);
    expect((await labStatus()).state).toBe('down');

    const t0 = Date.now();
    expect(() => lab()).toThrow(expect.objectContaining({ code: 'LAB_NOT_UP', hint: expect.stringContaining('tsplay lab up') }));
    await expect(labHostExec(0, 'true')).rejects.toMatchObject({ code: 'LAB_NOT_UP' });
    expect(Date.now() - t0).toBeLessThan(5_000); // generous: reading files only, no connection attempt

    const again = await labUp({ hosts: hostsBefore });
    expect(again.alreadyUp).toBe(false);
    expect((await labUp({ hosts: hostsBefore })).alreadyUp).toBe(true);
    expect((await hostOutput(0, 'hostname')).trim()).toBe('controller-0');
    expect(labPaths().inventoryFile).toBe(again.inventoryFile);
  });
});
