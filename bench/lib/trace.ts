/**
 * An in-process tsplay run whose connections record every exec and put (duration, script; a put as `put <path>`): how many round
 * trips a run makes per host, and how long the batched fact probe (the first exec) takes.
 */
import { loadInventory, runPlaybook, type Connection, type ResolvedHost } from '@tsplay/core';
import { connectHost, exitCodeFor, importTs } from '@tsplay/cli';
import type { Playbook } from '@tsplay/core';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface ExecRecord {
  host: string;
  startMs: number;
  ms: number;
  become: boolean;
  script: string;
}

export interface Trace {
  wallMs: number;
  connectMs: Record<string, number>;
  execs: ExecRecord[];
  exitCode: number;
}

function traced(conn: Connection, t0: number, out: ExecRecord[]): Connection {
  return new Proxy(conn, {
    get(target, prop, recv) {
      if (prop === 'put') {
        return async (path: string, data: string | Buffer, opts?: Parameters<Connection['put']>[2]) => {
          const s = performance.now();
          await target.put(path, data, opts);
          out.push({ host: target.host, startMs: s - t0, ms: performance.now() - s, become: Boolean(opts?.become), script: `put ${path}` });
        };
      }
      if (prop === 'exec') {
        return async (command: string, opts?: Parameters<Connection['exec']>[1]) => {
          const s = performance.now();
          const r = await target.exec(command, opts);
          out.push({ host: target.host, startMs: s - t0, ms: performance.now() - s, become: Boolean(opts?.become), script: command });
          return r;
        };
      }
      const v = Reflect.get(target, prop, recv) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export async function traceRun(playbookFile: string, inventory: string, opts: { check?: boolean; forks?: number } = {}): Promise<Trace> {
  const mod = await importTs(playbookFile);
  const playbook = (mod.default ?? mod.playbook) as Playbook;
  const inv = await loadInventory(inventory);
  const execs: ExecRecord[] = [];
  const connectMs: Record<string, number> = {};
  const t0 = performance.now();
  const summary = await runPlaybook({
    playbook,
    inventory: inv,
    connect: async (h: ResolvedHost) => {
      const s = performance.now();
      const c = await connectHost(h);
      connectMs[h.name] = performance.now() - s;
      return traced(c, t0, execs);
    },
    emit: () => {},
    check: opts.check ?? false,
    forks: opts.forks ?? 10,
    // the CLI's state dir (packages/cli/src/paths.ts): durable notifications and the signature cache
    stateDir: process.env.TSPLAY_STATE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tsplay', 'state'),
    baseDir: dirname(resolve(playbookFile)),
  });
  return { wallMs: performance.now() - t0, connectMs, execs, exitCode: exitCodeFor(summary.outcome, { check: opts.check }) };
}
