import { spawn } from 'node:child_process';
import { TsplayError } from '@tsplay/core';
import type { LabHost } from './paths.js';
import { sshArgs } from './sshargs.js';
import { requireLab } from './status.js';

export interface LabExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface LabExecOptions {
  /** Run the script as root through `sudo -n`. */
  become?: boolean;
  timeoutMs?: number;
}

/** Find a lab host by index (0..) or name (`controller-0`). */
export function findLabHost(hosts: readonly LabHost[], target: number | string): LabHost {
  const h = hosts.find((x) => (typeof target === 'number' ? x.index === target : x.name === target || x.address === target));
  if (!h) {
    throw new TsplayError('UNKNOWN_HOST', `no lab host ${String(target)} (the lab has ${hosts.map((x) => x.name).join(', ')})`, {
      hint: 'tsplay lab status',
    });
  }
  return h;
}

/**
 * Run a shell script on a lab host, for tests and tools: ssh(1) from the root namespace with the lab key and
 * strict host-key checking; the script goes on stdin to `sh -s` (no quoting). Fails fast when the lab is down.
 */
export async function labHostExec(target: number | string, script: string, opts: LabExecOptions = {}): Promise<LabExecResult> {
  const lab = requireLab();
  const h = findLabHost(lab.hosts, target);
  const args = [
    ...sshArgs({ privateKey: lab.paths.privateKey, knownHosts: lab.paths.knownHosts, address: h.address }),
    opts.become ? 'sudo -n sh -s' : 'sh -s',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 + 9 : 255), stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(script);
  });
}
