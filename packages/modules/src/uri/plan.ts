import { argv, reveal, type Plan } from '@tsplay/core';
import { readOnlyMethod, type UriOptions } from './args.js';

/** Marker printed by curl after the body: the status code follows it. */
export const STATUS_MARK = '\n__tsplay_status=';

/** The curl command line (headers are revealed here only; never logged) and its stdin. */
export function curlCommand(a: UriOptions): { cmd: string; stdin: string | undefined } {
  const body = a.body === undefined ? undefined : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
  const headers = Object.entries(a.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${reveal(v)}`]);
  if (body !== undefined && typeof a.body !== 'string' && !Object.keys(a.headers ?? {}).some((k) => k.toLowerCase() === 'content-type')) headers.push('-H', 'Content-Type: application/json');
  const args = ['curl', '-sS', '-X', a.method, '--max-time', String(Math.ceil(a.timeoutMs / 1000)), ...(a.caFile ? ['--cacert', a.caFile] : []), ...headers];
  if (a.method === 'HEAD') args.push('-I');
  if (body !== undefined) args.push('--data-binary', '@-');
  args.push('-w', `${STATUS_MARK}%{http_code}`, '--', a.url);
  return { cmd: argv(args), stdin: body };
}

/** Pure: GET/HEAD are probes (run in check mode too); other methods would change something. */
export function planUri(a: UriOptions): Plan {
  if (readOnlyMethod(a)) return { changed: false, run: true, summary: `${a.method} ${a.url}` };
  return { changed: a.changed ?? true, run: true, summary: `would ${a.method} ${a.url}` };
}
