import { isDeepStrictEqual } from 'node:util';
import { redact, TsplayError, type ApplyContext, type ApplyResult } from '../kit/index.js';
import { readOnlyMethod, type UriOptions } from './args.js';
import { curlCommand, STATUS_MARK } from './plan.js';

export interface UriResult {
  status: number;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

/** `want` is contained in `got` (objects by key, recursively; anything else equal). */
export function containsJson(got: unknown, want: unknown): boolean {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return false;
    return Object.entries(want).every(([k, v]) => containsJson((got as Record<string, unknown>)[k], v));
  }
  return isDeepStrictEqual(got, want);
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Send the request with curl on the host; check the status and the JSON body. */
export async function applyUri(ctx: ApplyContext, a: UriOptions): Promise<ApplyResult<UriResult>> {
  const { cmd, stdin } = curlCommand(a);
  const r = await ctx.conn.exec(cmd, { become: ctx.become, stdin, timeoutMs: a.timeoutMs + 5_000 });
  const at = r.stdout.lastIndexOf(STATUS_MARK);
  if (r.code !== 0 || at < 0) {
    throw new TsplayError('HTTP_FAILED', `${a.method} ${a.url} failed: ${redact(r.stderr.trim()) || `curl exit ${r.code}`}`, {
      host: ctx.host,
      field: 'url',
      hint: 'is curl installed on the host, and the URL reachable from it?',
    });
  }
  const status = Number(r.stdout.slice(at + STATUS_MARK.length).trim());
  const body = r.stdout.slice(0, at);
  const json = parseJson(body);
  const accepted = Array.isArray(a.status) ? a.status : [a.status];
  const data = { status, body, json };
  if (!accepted.includes(status))
    return { failed: true, changed: false, msg: `${a.method} ${a.url} returned ${status}, expected ${accepted.join(' or ')}`, data };
  if (a.json !== undefined && !containsJson(json, a.json)) {
    return {
      failed: true,
      changed: false,
      msg: `${a.method} ${a.url}: the body does not contain ${JSON.stringify(a.json)}: ${body.slice(0, 300)}`,
      data,
    };
  }
  return { changed: readOnlyMethod(a) ? false : (a.changed ?? true), data };
}
