import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TsplayError } from '@tsplay/core';
import { FILESERVER_JS, type FileServerConfig } from './fileserver-script.js';

export interface StartedServer {
  pid: number;
  ports: number[];
}

/**
 * Write the server script and its config into `dir` and start it detached (its own session, so it
 * outlives this process), optionally inside a network namespace. Resolves when it reports `ready`.
 */
export async function startFileServer(dir: string, config: FileServerConfig, netns?: string): Promise<StartedServer> {
  await mkdir(dir, { recursive: true });
  const script = join(dir, 'fileserver.mjs');
  const cfg = join(dir, 'fileserver.json');
  const logFile = join(dir, 'fileserver.log');
  await writeFile(script, FILESERVER_JS);
  await writeFile(cfg, JSON.stringify(config, null, 2));
  const node = [process.execPath, script, cfg];
  const argv = netns ? ['setsid', '-f', 'ip', 'netns', 'exec', netns, ...node] : ['setsid', '-f', ...node];
  const errFd = openSync(logFile, 'a');
  try {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', errFd], detached: true });
    const stdout = child.stdout;
    if (!stdout) throw new TsplayError('INTERNAL', 'no stdout pipe');
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('no answer within 15 s')), 15_000);
      stdout.setEncoding('utf8');
      stdout.on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.split('\n')[0] ?? '');
        }
      });
      stdout.on('end', () => {
        clearTimeout(timer);
        resolve(out.split('\n')[0] ?? '');
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    stdout.destroy();
    child.unref();
    const m = /^ready (\d+) ([\d,]+)$/.exec(line);
    if (!m?.[1] || !m[2]) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      const lines = log.trim().split('\n');
      const why = lines.filter((l) => /Error/.test(l)).at(-1) ?? (lines.slice(-5).join('\n') || line || 'no output');
      throw new TsplayError('LAB_FAILED', `the lab file server did not start: ${why.trim()}`, {
        file: logFile,
      });
    }
    return { pid: Number(m[1]), ports: m[2].split(',').map(Number) };
  } finally {
    closeSync(errFd);
  }
}
