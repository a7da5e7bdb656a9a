import { curlConfigLine } from '../common/curl-config.js';
import { reveal, type Plan } from '../kit/index.js';
import { readOnlyMethod, type UriOptions } from './args.js';

/** Marker printed by curl after the body: the status code follows it. */
export const STATUS_MARK = '\n__tsplay_status=';

/**
 * The request as a curl config read from stdin (`curl -K -`): URL (with any password in it), headers
 * (Secrets revealed here only) and body are never on the host's command line, where `ps` shows them.
 */
export function curlCommand(a: UriOptions): { cmd: string; stdin: string } {
  const body = a.body === undefined ? undefined : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
  const headers = Object.entries(a.headers ?? {}).map(([k, v]) => `${k}: ${String(reveal(v))}`);
  if (body !== undefined && typeof a.body !== 'string' && !Object.keys(a.headers ?? {}).some((k) => k.toLowerCase() === 'content-type'))
    headers.push('Content-Type: application/json');
  const lines = [
    'silent',
    'show-error',
    curlConfigLine('request', a.method),
    curlConfigLine('max-time', String(Math.ceil(a.timeoutMs / 1000))),
    ...(a.caFile ? [curlConfigLine('cacert', a.caFile)] : []),
    ...headers.map((h) => curlConfigLine('header', h)),
    ...(a.method === 'HEAD' ? ['head'] : []),
    ...(body !== undefined ? [curlConfigLine('data-raw', body)] : []),
    curlConfigLine('write-out', `${STATUS_MARK}%{http_code}`),
    curlConfigLine('url', a.url),
  ];
  return { cmd: 'curl -K -', stdin: `${lines.join('\n')}\n` };
}

/** Pure: GET/HEAD are probes (run in check mode too); other methods would change something. */
export function planUri(a: UriOptions): Plan {
  if (readOnlyMethod(a)) return { changed: false, run: true, summary: `${a.method} ${a.url}` };
  return { changed: a.changed ?? true, run: true, summary: `would ${a.method} ${a.url}` };
}
