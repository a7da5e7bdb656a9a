/**
 * The availability probe of the day-2 e2e tests: a small TLS client that puts a key every 100 ms through
 * etcd's JSON gateway (`POST /v3/kv/put`), against all member endpoints (it starts with the one that
 * answered last and fails over to the others within the write's budget, like a clientv3 with several
 * endpoints). The figure is the longest run of failed writes, in seconds.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { summarizeWrites, type WriteAttempt, type WriterReport } from './writer-report.js';

export type { WriteAttempt, WriterReport };
export { summarizeWrites };

export interface WriterOptions {
  /** Client URLs, e.g. https://10.240.0.10:2379. */
  endpoints: readonly string[];
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Key prefix of the writes (`<prefix><seq>`). */
  prefix?: string;
  intervalMs?: number;
  /** Budget of one write over all endpoints; after it the write counts as failed. */
  writeBudgetMs?: number;
}

export interface Writer {
  /** Stop after the write in flight and report. */
  stop(): Promise<WriterReport>;
  /** The attempts so far (for waiting until the writer is under way). */
  attempts(): readonly WriteAttempt[];
}

function putOnce(agent: Agent, endpoint: string, key: string, value: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ key: Buffer.from(key).toString('base64'), value: Buffer.from(value).toString('base64') });
    const req = request(
      `${endpoint}/v3/kv/put`,
      {
        method: 'POST',
        agent,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve(res.statusCode === 200 && text.includes('"header"')));
        res.on('error', () => resolve(false));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

/** Start writing at once; `stop()` returns the report. */
export function startWriter(o: WriterOptions): Writer {
  const interval = o.intervalMs ?? 100;
  const budget = o.writeBudgetMs ?? 1_000;
  const prefix = o.prefix ?? '/tsplay-writer/';
  const agent = new Agent({
    keepAlive: true,
    ca: readFileSync(o.caFile),
    cert: readFileSync(o.certFile),
    key: readFileSync(o.keyFile),
    maxSockets: 4,
  });
  const log: WriteAttempt[] = [];
  let stopping = false;
  let preferred = 0;
  const loop = (async () => {
    for (let seq = 0; !stopping; seq++) {
      const start = Date.now();
      const deadline = start + budget;
      let ok = false;
      let endpoint = '';
      for (let i = 0; i < o.endpoints.length && !ok && Date.now() < deadline; i++) {
        const idx = (preferred + i) % o.endpoints.length;
        endpoint = o.endpoints[idx] ?? '';
        ok = await putOnce(agent, endpoint, `${prefix}${String(seq).padStart(6, '0')}`, String(start), Math.max(50, deadline - Date.now()));
        if (ok) preferred = idx;
      }
      log.push({ seq, startMs: start, endMs: Date.now(), ok, endpoint });
      const wait = start + interval - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    attempts: () => log,
    async stop() {
      stopping = true;
      await loop;
      agent.destroy();
      return summarizeWrites(log);
    },
  };
}
