import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsplayError } from '@tsplay/core';
import { guardInstalled, labLinkUp } from './network.js';
import { labHost, labPaths, type LabHost, type LabPaths } from './paths.js';
import { alive } from './run.js';
import { readState, type LabState } from './state.js';

function pidIn(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

export type HostState = 'running' | 'stopped';

export interface HostStatus extends LabHost {
  state: HostState;
  supervisorPid?: number;
  nspawnPid?: number;
}

function hostStatus(p: LabPaths, h: LabHost): HostStatus {
  const dir = join(p.stateDir, 'hosts', `h${h.index}`);
  const supervisorPid = pidIn(join(dir, 'supervisor.pid'));
  const nspawnPid = pidIn(join(dir, 'nspawn.pid'));
  const state: HostState = alive(supervisorPid) && alive(nspawnPid) ? 'running' : 'stopped';
  return { ...h, state, ...(supervisorPid ? { supervisorPid } : {}), ...(nspawnPid ? { nspawnPid } : {}) };
}

/** Every host's processes, the file server and the root veth are there (reads /proc and /sys only). */
export function labIsRunning(p: LabPaths, s: LabState): boolean {
  if (!labLinkUp() || !alive(s.fileServerPid) || !existsSync(p.inventoryFile)) return false;
  return Array.from({ length: s.hosts }, (_, i) => hostStatus(p, labHost(i))).every((h) => h.state === 'running');
}

export interface LabStatus {
  /** `up`: everything runs; `down`: nothing made by up is there; `broken`: partly there (run `lab down`). */
  state: 'up' | 'down' | 'broken' | 'starting';
  hosts: HostStatus[];
  fileServer: 'running' | 'stopped';
  guard: boolean;
  inventoryFile?: string;
  stateDir: string;
}

export async function labStatus(): Promise<LabStatus> {
  const p = labPaths();
  const s = readState(p.stateFile);
  const guard = await guardInstalled();
  if (!s) return { state: labLinkUp() ? 'broken' : 'down', hosts: [], fileServer: 'stopped', guard, stateDir: p.stateDir };
  const hosts = Array.from({ length: s.hosts }, (_, i) => hostStatus(p, labHost(i)));
  const fileServer = alive(s.fileServerPid) ? 'running' : 'stopped';
  const running = labIsRunning(p, s);
  const state = running && s.phase === 'up' ? 'up' : s.phase === 'starting' ? 'starting' : 'broken';
  return {
    state,
    hosts,
    fileServer,
    guard,
    stateDir: p.stateDir,
    ...(existsSync(p.inventoryFile) ? { inventoryFile: p.inventoryFile } : {}),
  };
}

export interface RunningLab {
  paths: LabPaths;
  hosts: LabHost[];
  inventoryFile: string;
  tarballSha256: string;
}

/**
 * The lab, if it is up; else LAB_NOT_UP at once. Never connects to anything (reads files, /proc, /sys),
 * so a test run without the lab fails fast instead of trying 10.240.0.x.
 */
export function requireLab(): RunningLab {
  const p = labPaths();
  const s = readState(p.stateFile);
  if (!s || s.phase !== 'up' || !s.tarballSha256 || !labIsRunning(p, s)) {
    const why = !s ? 'no lab state' : s.phase !== 'up' ? `the lab is ${s.phase}` : 'some lab hosts or the file server are not running';
    throw new TsplayError('LAB_NOT_UP', `the lab is not up (${why} in ${p.stateDir})`, { hint: 'run `tsplay lab up` (as root)' });
  }
  const hosts = Array.from({ length: s.hosts }, (_, i) => labHost(i));
  return { paths: p, hosts, inventoryFile: p.inventoryFile, tarballSha256: s.tarballSha256 };
}
