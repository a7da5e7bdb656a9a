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
import { createHostNetwork, createLabNetwork, installGuard, LAB_NETNS, labNamespaces } from './network.js';
import { etcdTarballName, etcdUrlPath, labHost, labPaths, MAX_HOSTS, type LabHost, type LabPaths } from './paths.js';
import { makePki, type PkiFiles } from './pki.js';
import { requireRoot } from './root.js';
import { ensureRootfs } from './rootfs.js';
import { $, settleAll, step, type Log } from './run.js';
import { readState, writeState } from './state.js';
import { labIsRunning } from './status.js';
import { ensureReleaseTarball, readTarballSha256 } from './tarball.js';

export interface LabUpOptions {
  hosts?: number;
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
    return { alreadyUp: true, hosts, inventoryFile: p.inventoryFile, tarballSha256: state.tarballSha256 ?? '', tarballs: await releaseShas(p), durationMs: Date.now() - t0 };
  }
  if (running) log(`the lab is up with ${state.hosts} hosts${state.hosts === count ? ' and an older file server' : ''}: rebuilding it with ${count}`);
  // labNamespaces: a lab left by another checkout or a killed session (CI runs in a fresh clone on the same machine)
  if (state || !isClean(labLeftovers(p.stateDir)) || labNamespaces().length > 0) {
    log('removing what is left of an earlier lab');
    await labDown();
  }
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
      makePki(join(p.stateDir, 'pki'), hosts.map((h) => h.address)),
    ]);
    // the network and file server come up while the common layer is built (update-ca-certificates is slow)
    const [server, layer] = await settleAll([
      (async () => {
        await createLabNetwork();
        const started = await startLabFileServer(p, pki);
        await writeState(p.stateFile, { phase: 'starting', hosts: count, startedAt: new Date().toISOString(), fileServerPid: started.pid });
        for (const h of hosts) await createHostNetwork(h);
        return started;
      })(),
      (async () => buildCommonLayer(join(p.stateDir, 'layer'), p.rootfs, await readFile(pki.caCert, 'utf8'), await readFile(`${p.privateKey}.pub`, 'utf8')))(),
    ]);
    const known = await settleAll(hosts.map((h) => prepareHost(h, join(p.stateDir, 'hosts', `h${h.index}`), [layer, p.rootfs], hosts)));
    await writeAtomic(p.knownHosts, known.join(''));
    const supervisor = await writeSupervisor(p.stateDir);
    const roots = cgroupRoots();
    log(`booting ${count} hosts`);
    for (const h of hosts) await startHost(supervisor, h, join(p.stateDir, 'hosts', `h${h.index}`), roots);
    await settleAll(hosts.map((h) => waitForSsh(h, join(p.stateDir, 'hosts', `h${h.index}`), p)));
    await writeAtomic(
      p.inventoryFile,
      renderInventory({ hosts, privateKey: p.privateKey, knownHosts: p.knownHosts, tarballSha256: sha, tarballs, caCert: p.caCert, cert: p.cert, key: p.key }),
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
  log(`${count} hosts up in ${(durationMs / 1000).toFixed(1)} s; inventory ${p.inventoryFile}`);
  return { alreadyUp: false, hosts, inventoryFile: p.inventoryFile, tarballSha256: sha, tarballs, durationMs };
}
