import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { secret } from '@tsplay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, run } from '../common/testing.js';
import { planTable } from '../kit/harness.js';
import { uriArgsSchema } from './args.js';
import { containsJson } from './apply.js';
import { uri } from './index.js';
import { curlCommand } from './plan.js';

let base = '';
/** Command lines of running processes that held the secret while the request was in flight. */
let argvSeen: string[] = ['not asked'];
function argvHolding(needle: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.includes(needle) && !cmd.includes('vitest') ? [cmd.replace(/\0/g, ' ')] : [];
      } catch {
        return [];
      }
    });
}
const seen: { method: string; auth: string | undefined; body: string }[] = [];
const srv = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', auth: req.headers.authorization, body });
    if (req.url === '/health')
      return res.writeHead(200, { 'content-type': 'application/json' }).end('{"health":"true","members":{"count":3}}');
    if (req.url === '/items') return res.writeHead(201).end(body);
    if (req.url === '/argv') {
      argvSeen = argvHolding('s3cr3t');
      return res.writeHead(200).end('{}');
    }
    res.writeHead(404).end('no');
  });
});
beforeAll(async () => {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
});
afterAll(() => srv.close());

planTable(
  uri,
  [
    {
      name: 'GET is a probe',
      args: { url: 'http://x/health' },
      facts: {},
      plan: { changed: false, run: true, summary: 'GET http://x/health' },
    },
    {
      name: 'POST would change',
      args: { url: 'http://x/items', method: 'POST', body: { a: 1 } },
      facts: {},
      plan: { changed: true, summary: 'would POST http://x/items' },
    },
    { name: 'a non-http url is an args error naming url', args: { url: 'ftp://x' }, error: { code: 'ARGS_INVALID', field: 'url' } },
  ],
  { it, expect },
);

describe('uri', () => {
  it('matches JSON bodies as a deep subset', () => {
    expect(containsJson({ a: { b: 1, c: 2 }, d: [1] }, { a: { b: 1 } })).toBe(true);
    expect(containsJson({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false);
    expect(containsJson({ d: [1, 2] }, { d: [1] })).toBe(false);
  });
  it('puts a secret header and a password in the URL on stdin only, never in the command', () => {
    const a = uriArgsSchema.parse({ url: 'http://me:pw0rd@x/', headers: { Authorization: secret('Bearer s3cr3t') } });
    expect(a.secret).toBe(true);
    const c = curlCommand(a);
    expect(c.cmd).toBe('curl -K -');
    expect(c.stdin).toContain('header = "Authorization: Bearer s3cr3t"');
    expect(c.stdin).toContain('url = "http://me:pw0rd@x/"');
  });

  it('while the request runs, no process on the host shows the secret header or the URL password (ps)', async () => {
    const e = ok(
      await run(uri, {
        url: `${base.replace('http://', 'http://me:pw0rd-s3cr3t@')}/argv`,
        headers: { Authorization: secret('Bearer s3cr3t-api-token') },
      }),
    );
    expect(e.outcome.status).toBe('ok');
    expect(seen.at(-1)?.auth).toBe('Bearer s3cr3t-api-token');
    expect(argvSeen).toEqual([]);
  });

  it('a body with quotes, backslashes, newlines and a leading @ arrives byte for byte', async () => {
    const body = '@/etc/passwd "q" \\ back\nslash\nline2\ttab';
    ok(await run(uri, { url: `${base}/items`, method: 'POST', body, status: 201 }));
    expect(seen.at(-1)?.body).toBe(body);
  });
  it('GETs, checks status and JSON; a wrong body fails; a POST sends JSON and is a change', async () => {
    const e = ok(
      await run(
        uri,
        { url: `${base}/health`, json: { health: 'true', members: { count: 3 } }, headers: { Authorization: secret('Bearer t0k') } },
        { check: true },
      ),
    );
    expect(e.outcome.status).toBe('ok');
    expect(e.outcome.data).toMatchObject({ status: 200, json: { health: 'true' } });
    expect(seen.at(-1)?.auth).toBe('Bearer t0k');
    const bad = await run(uri, { url: `${base}/health`, json: { health: 'false' } });
    expect(bad.error?.code).toBe('TASK_FAILED');
    expect((await run(uri, { url: `${base}/missing` })).outcome.msg).toMatch(/returned 404, expected 200/);
    const post = ok(await run(uri, { url: `${base}/items`, method: 'POST', body: { name: 'a' }, status: 201 }));
    expect(post.outcome.status).toBe('changed');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: '{"name":"a"}' });
  });
});
