import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TsplayError } from '@tsplay/core';
import { ensureHostPackages } from './apt.js';
import { startHost, waitForSsh, writeSupervisor } from './boot.js';
import { cgroupRoots } from './cgroups.js';
import { labDown } from './down.js';
import { startFileServer, type StartedServer } from './fileserver.js';
import { buildCommonLayer, prepareHost } from './hosts.js';
import { renderInventory } from './inventory.js';
import { isClean, labLeftovers } from './leftovers.js';
import { createHostNetworks, createLabNetwork, installGuard, LAB_NETNS, labNamespaces } from './network.js';
import { etcdTarballName, etcdUrlPath, labHost, labPaths, MAX_HOSTS, type LabHost, type LabPaths } from './paths.js';
import { makePki, type PkiFiles } from './pki.js';
import { requireRoot } from './root.js';
import { ensureRootfs } from './rootfs.js';
import { $, settleAll, step, type Log } from './run.js';
import { readState, writeState } from './state.js';
import { labIsRunning } from './status.js';
import { ensureReleaseTarball, readTarballSha256 } from './tarball.js';
import { ensureKernelLimits } from './limits.js';
import { mapLimit, runWaves, waveSize } from './waves.js';
import { labHostMemory, memAvailableKb, summarizeMemory, type LabMemorySummary } from './memory.js';

export interface LabUpOptions {
  hosts?: number;
  /** Hosts booting at once (default 8, or `$TSPLAY_LAB_WAVE`): each wave is up (SSH login) before the next starts. */
  wave?: number;
  log?: Log;
}

export interface LabUpResult {
  alreadyUp: boolean;
  hosts: LabHost[];
  inventoryFile: string;
  tarballSha256: string;
  /** sha256 hex of every served release tarball, by version (3.4.23, 3.5.16). */
  tarballs: Record<string, string>;
  durationMs: number;
  /** After a real up: memory of the hosts' processes (PSS, kB) and the drop of the machine's MemAvailable over the up. */
  memory?: LabMemorySummary;
}

/** URL path -> local file of every release tarball and its SHA256SUMS. Pure. */
export function servedFiles(p: Pick<LabPaths, 'releases'>): Record<string, string> {
  const files: Record<string, string> = {};
  for (const r of p.releases) {
    files[`${etcdUrlPath(r.version)}/${etcdTarballName(r.version)}`] = r.tarball;
    files[`${etcdUrlPath(r.version)}/SHA256SUMS`] = r.sha256;
  }
  return files;
}

/** True when the running file server was started with every release of `p` (a lab left by older code may lack 3.5). */
function servesEveryRelease(p: LabPaths): boolean {
  try {
    const cfg = JSON.parse(readFileSync(join(p.stateDir, 'fileserver', 'fileserver.json'), 'utf8')) as { files?: Record<string, string> };
    return Object.keys(servedFiles(p)).every((k) => cfg.files?.[k] !== undefined);
  } catch {
    return false;
  }
}

async function releaseShas(p: LabPaths): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const r of p.releases) out[r.version] = (await readTarballSha256(r.sha256, etcdTarballName(r.version))) ?? '';
  return out;
}

const hostDir = (p: LabPaths, h: LabHost): string => join(p.stateDir, 'hosts', `h${h.index}`);

async function writeAtomic(path: string, data: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, data, { mode });
  await rename(`${path}.tmp`, path);
}

function startLabFileServer(p: LabPaths, pki: PkiFiles): Promise<StartedServer> {
  return step('start the file server', () =>
    startFileServer(
      join(p.stateDir, 'fileserver'),
      {
        listen: [
          { host: '10.240.0.1', port: 8443, tls: true },
          { host: '169.254.169.254', port: 80, tls: false },
        ],
        cert: pki.serverCert,
        key: pki.serverKey,
        files: servedFiles(p),
      },
      LAB_NETNS,
    ),
  );
}

/**
 * Bring the lab up: `hosts` controllers (controller-0.., 10.240.0.10..) with systemd, sshd and a sudoer
 * `admin`, the file/metadata server, the PKI and a ready inventory. Says so when it is already up.
 */
export async function labUp(opts: LabUpOptions = {}): Promise<LabUpResult> {
  const t0 = Date.now();
  const count = opts.hosts ?? 3;
  const log = opts.log ?? (() => {});
  const wave = waveSize(opts.wave);
  requireRoot();
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) {
    throw new TsplayError('USAGE', `--hosts must be an integer from 1 to ${MAX_HOSTS}, not ${count}`, { field: 'hosts' });
  }
  const p = labPaths();
  if (existsSync('/usr/sbin/ip') || existsSync('/sbin/ip') || existsSync('/usr/bin/ip')) await installGuard();
  const state = readState(p.stateFile);
  const running = state?.phase === 'up' && state.tarballSha256 && labIsRunning(p, state);
  if (running && state.hosts === count && servesEveryRelease(p)) {
    const hosts = Array.from({ length: state.hosts }, (_, i) => labHost(i));
    return {
      alreadyUp: true,
      hosts,
      inventoryFile: p.inventoryFile,
      tarballSha256: state.tarballSha256 ?? '',
      tarballs: await releaseShas(p),
      durationMs: Date.now() - t0,
    };
  }
  if (running)
    log(`the lab is up with ${state.hosts} hosts${state.hosts === count ? ' and an older file server' : ''}: rebuilding it with ${count}`);
  // labNamespaces: a lab left by another checkout or a killed session (CI runs in a fresh clone on the same machine)
  if (state || !isClean(labLeftovers(p.stateDir)) || labNamespaces().length > 0) {
    log('removing what is left of an earlier lab');
    await labDown();
  }
  const avail0 = memAvailableKb();
  await ensureHostPackages(log);
  await installGuard();
  await ensureRootfs(p.rootfs, log);
  const tarballs: Record<string, string> = {};
  for (const r of p.releases) tarballs[r.version] = await ensureReleaseTarball(r, log);
  const sha = tarballs[p.releases[0]?.version ?? ''] ?? '';
  const hosts = Array.from({ length: count }, (_, i) => labHost(i));
  await mkdir(p.stateDir, { recursive: true });
  await writeState(p.stateFile, { phase: 'starting', hosts: count, startedAt: new Date().toISOString() });
  try {
    log(`preparing ${count} hosts (key, PKI, network, file server, overlays)`);
    const [, pki] = await settleAll([
      step('make the lab SSH key', () => $`ssh-keygen -q -t ed25519 -N ${''} -C tsplay-lab -f ${p.privateKey}`),
      makePki(
        join(p.stateDir, 'pki'),
        hosts.map((h) => h.address),
      ),
    ]);
    // the network and file server come up while the common layer is built (update-ca-certificates is slow)
    const [server, layer] = await settleAll([
      (async () => {
        await createLabNetwork();
        const started = await startLabFileServer(p, pki);
        await writeState(p.stateFile, { phase: 'starting', hosts: count, startedAt: new Date().toISOString(), fileServerPid: started.pid });
        await createHostNetworks(hosts);
        return started;
      })(),
      (async () =>
        buildCommonLayer(
          join(p.stateDir, 'layer'),
          p.rootfs,
          await readFile(pki.caCert, 'utf8'),
          await readFile(`${p.privateKey}.pub`, 'utf8'),
        ))(),
    ]);
    const known = await mapLimit(hosts, 16, (h) => prepareHost(h, hostDir(p, h), [layer, p.rootfs], hosts));
    await writeAtomic(p.knownHosts, known.join(''));
    const supervisor = await writeSupervisor(p.stateDir);
    const roots = cgroupRoots();
    ensureKernelLimits(count, log);
    log(`booting ${count} hosts${count > wave ? ` in waves of ${wave}` : ''}`);
    await runWaves(hosts, wave, {
      start: (h) => startHost(supervisor, h, hostDir(p, h), roots),
      ready: (h) => waitForSsh(h, hostDir(p, h), p),
      name: (h) => h.name,
      ...(count > wave ? { log } : {}),
    });
    await writeAtomic(
      p.inventoryFile,
      renderInventory({
        hosts,
        privateKey: p.privateKey,
        knownHosts: p.knownHosts,
        tarballSha256: sha,
        tarballs,
        caCert: p.caCert,
        cert: p.cert,
        key: p.key,
      }),
    );
    await writeState(p.stateFile, {
      phase: 'up',
      hosts: count,
      startedAt: new Date().toISOString(),
      fileServerPid: server.pid,
      tarballSha256: sha,
    });
  } catch (e) {
    await labDown().catch(() => {});
    throw e;
  }
  const durationMs = Date.now() - t0;
  const memory = summarizeMemory(labHostMemory(hosts.map((h) => h.index)), avail0 - memAvailableKb());
  log(`${count} hosts up in ${(durationMs / 1000).toFixed(1)} s; inventory ${p.inventoryFile}`);
  log(
    `  memory: ${(memory.medianPssKb / 1024).toFixed(1)} MB per host (median PSS), ${(memory.sumPssKb / 1024).toFixed(0)} MB for ${count}; MemAvailable fell ${(memory.availableDropKb / 1024).toFixed(0)} MB`,
  );
  return { alreadyUp: false, hosts, inventoryFile: p.inventoryFile, tarballSha256: sha, tarballs, durationMs, memory };
}
