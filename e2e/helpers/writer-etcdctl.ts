/**
 * The second availability probe: a real clientv3 client. Every 100 ms one `etcdctl put` (etcdctl 3.4 from
 * the lab's own tarball, ETCDCTL_API=3) with all member endpoints and `--command-timeout=1s`, like a client
 * that was given the whole cluster. clientv3 balances over the endpoints and does not retry a put that
 * reached a member (a mutable RPC), so a put sent to a member that is going away fails here where the
 * gateway writer (writer.ts) would fail over. Same start/stop API and report as writer.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { labPaths } from '@tsplay/lab';
import { summarizeWrites, type WriteAttempt } from './writer-report.js';
import type { WriterOptions, WriterReport } from './writer.js';

/** An attempt with etcdctl's last stderr line when it failed (what made the put fail). */
export interface EtcdctlAttempt extends WriteAttempt {
  error?: string;
}

/** The etcdctl of the lab tarball, unpacked once into the lab cache. */
export function labEtcdctl(): string {
  const p = labPaths();
  const dir = join(p.cacheDir, 'etcdctl-writer');
  const bin = join(dir, 'etcdctl');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', p.tarball, '-C', dir, '--strip-components=1', '--wildcards', '*/etcdctl']);
  }
  return bin;
}

function put(bin: string, o: WriterOptions, key: string, value: string, timeoutMs: number): Promise<{ ok: boolean; error: string }> {
  const args = [
    `--endpoints=${o.endpoints.join(',')}`,
    `--cacert=${o.caFile}`,
    `--cert=${o.certFile}`,
    `--key=${o.keyFile}`,
    '--dial-timeout=1s',
    `--command-timeout=${Math.round(timeoutMs / 1000)}s`,
    'put',
    key,
    value,
  ];
  return new Promise((resolve) => {
    const child = spawn(bin, args, { env: { ...process.env, ETCDCTL_API: '3' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    // a hard stop a little after the command timeout (dial + put), so one hung process cannot stall the loop
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 1_500);
    child.once('error', (e) => resolve({ ok: false, error: e.message }));
    child.once('close', (code) => {
      clearTimeout(kill);
      resolve({ ok: code === 0 && out.trim() === 'OK', error: code === 0 ? '' : (err.trim().split('\n').pop() ?? `exit ${code}`) });
    });
  });
}

/** Start putting at once; `stop()` returns the report (same shape as writer.ts). */
export interface EtcdctlWriter {
  stop(): Promise<WriterReport>;
  attempts(): readonly EtcdctlAttempt[];
}

export function startEtcdctlWriter(o: WriterOptions): EtcdctlWriter {
  const bin = labEtcdctl();
  const interval = o.intervalMs ?? 100;
  const budget = o.writeBudgetMs ?? 1_000;
  const prefix = o.prefix ?? '/tsplay-writer-etcdctl/';
  const log: EtcdctlAttempt[] = [];
  let stopping = false;
  const loop = (async () => {
    for (let seq = 0; !stopping; seq++) {
      const start = Date.now();
      const r = await put(bin, o, `${prefix}${String(seq).padStart(6, '0')}`, String(start), budget);
      log.push({ seq, startMs: start, endMs: Date.now(), ok: r.ok, endpoint: o.endpoints.join(','), ...(r.ok ? {} : { error: r.error }) });
      const wait = start + interval - Date.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    }
  })();
  return {
    attempts: () => log,
    async stop() {
      stopping = true;
      await loop;
      return summarizeWrites(log);
    },
  };
}
