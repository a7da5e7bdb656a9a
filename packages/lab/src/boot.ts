import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TsplayError } from '@tsplay/core';
import type { LabHost } from './paths.js';
import { $ok, alive } from './run.js';
import { sshArgs } from './sshargs.js';

/** Boots one host; first moves itself into its own cgroup (one payload cgroup per container). */
export const SUPERVISOR_SH = `#!/bin/sh
# tsplay lab supervisor: boot one host with systemd-nspawn in its own cgroup; boot it again when it
# reboots (nspawn exits 133). usage: supervisor.sh HOSTDIR MACHINE NETNS CGROUP CGROUP_ROOT...
dir=$1 machine=$2 netns=$3 cg=$4
shift 4
echo $$ > "$dir/supervisor.pid"
for root in "$@"; do
  mkdir -p "$root/$cg" && echo $$ > "$root/$cg/cgroup.procs" || { echo "tsplay-lab: cannot enter cgroup $root/$cg" >&2; exit 1; }
done
# network: /proc/sys/net writable (the host's own network namespace), the rest of /proc/sys and /sys read-only
export SYSTEMD_NSPAWN_API_VFS_WRITABLE=network
while :; do
  systemd-nspawn --quiet --boot -D "$dir/merged" --machine="$machine" \\
    --network-namespace-path="/run/netns/$netns" --register=no --keep-unit \\
    --console=read-only --link-journal=no --resolv-conf=off --timezone=off &
  echo $! > "$dir/nspawn.pid"
  wait $!
  rc=$?
  [ "$rc" -eq 133 ] || exit "$rc"
done
`;

export async function writeSupervisor(stateDir: string): Promise<string> {
  const path = join(stateDir, 'supervisor.sh');
  await writeFile(path, SUPERVISOR_SH, { mode: 0o755 });
  return path;
}

/** Start host h's supervisor in its own session (it outlives this process); console -> console.log. */
export async function startHost(supervisor: string, h: LabHost, dir: string, cgroupRoots: readonly string[]): Promise<void> {
  const fd = openSync(join(dir, 'console.log'), 'a');
  try {
    const args = ['-f', '/bin/sh', supervisor, dir, h.name, h.netns, h.cgroup, ...cgroupRoots];
    const child = spawn('setsid', args, { stdio: ['ignore', fd, fd] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new TsplayError('LAB_FAILED', `could not start the supervisor of ${h.name} (setsid exit ${code})`);
  } finally {
    closeSync(fd);
  }
}

export async function readPid(file: string): Promise<number | undefined> {
  const n = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function sshBanner(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port: 22, timeout: 1000 });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.once('data', (d) => done(d.toString('latin1').startsWith('SSH-')));
    s.once('timeout', () => done(false));
    s.once('error', () => done(false));
    s.once('end', () => done(false));
  });
}

async function consoleTail(dir: string): Promise<string> {
  const text = await readFile(join(dir, 'console.log'), 'utf8').catch(() => '');
  return text
    .replace(/\x1b\[[0-9;]*m/g, '')
    .trim()
    .split('\n')
    .slice(-8)
    .join('\n');
}

/**
 * Wait until `admin` can log in on host h over SSH with the lab key and strict host-key checking
 * (sshd answering is not enough: logins are refused until systemd-user-sessions has run).
 */
export async function waitForSsh(
  h: LabHost,
  dir: string,
  keys: { privateKey: string; knownHosts: string },
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  while (Date.now() < deadline) {
    const sup = await readPid(join(dir, 'supervisor.pid'));
    if (sup !== undefined && !alive(sup)) {
      throw new TsplayError('LAB_FAILED', `${h.name} stopped while booting:\n${await consoleTail(dir)}`, {
        host: h.name,
        file: join(dir, 'console.log'),
      });
    }
    if (await sshBanner(h.address)) {
      const r = await $ok`ssh ${sshArgs({ ...keys, address: h.address, connectTimeoutS: 3 })} true`;
      if (r.exitCode === 0) return;
      lastErr = r.stderr.trim();
    }
    await delay(100);
  }
  throw new TsplayError(
    'LAB_FAILED',
    `${h.name} did not accept an SSH login within ${timeoutMs / 1000} s${lastErr ? `: ${lastErr}` : ''}\n${await consoleTail(dir)}`,
    {
      host: h.name,
      file: join(dir, 'console.log'),
    },
  );
}
