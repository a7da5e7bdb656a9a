import { dirname } from 'node:path';
import { writeSafetyFacts, type WriteSafetyFacts } from '../kit/index.js';
import { defineFact, pathFact, quote, sh, type FactQuery, type PathState } from '../kit/index.js';
import type { DownloadOptions } from './args.js';

/** Which downloaders the host has. */
export interface Downloaders {
  curl: boolean;
  wget: boolean;
}

/** The `sha256:URL` checksum file as fetched on the host (`null` for the other checksum forms). */
export type SumsFetch = { ok: true; url: string; text: string } | { ok: false; url: string; code: number; stderr: string };

export function parseDownloaders(out: string): Downloaders {
  const names = out.split('\n').map((l) => l.trim().split('/').pop() ?? '');
  return { curl: names.includes('curl'), wget: names.includes('wget') };
}

/** One name per `command -v`: dash (Debian's /bin/sh) looks up only the first of several names. */
const DOWNLOADERS = 'command -v curl; command -v wget';

/** Builtins only: the probe answers it in its own shell (the fast path), the subshell never runs. */
export const downloadersFact = defineFact({
  module: 'download',
  name: 'downloaders',
  script: () => `${DOWNLOADERS}; true`,
  fastPath: () => `${DOWNLOADERS}; __q=1`,
  parse: (r) => parseDownloaders(r.stdout),
});

/**
 * A shell condition, true when the wget log (`-S` server headers) in file `log` shows that every redirect
 * stayed on https and the final URL is https: wget's --https-only does not hold across redirects.
 */
export const HTTPS_ONLY_CHECK = (log: string): string => `! grep -qi '^ *Location: *http:' ${log} && grep -q 'URL: *https://' ${log}`;

/** curl/wget options shared by the fact and apply: TLS only (unless insecure), CA bundle, timeout. */
export function curlOptions(o: { insecure: boolean; caFile?: string | undefined; timeoutMs?: number | undefined }): string {
  const parts = o.insecure ? ['-fsSL'] : ['--proto', '=https', '--proto-redir', '=https', '--tlsv1.2', '-fsSL'];
  parts.push('--connect-timeout', '30');
  if (o.caFile) parts.push('--cacert', o.caFile);
  if (o.timeoutMs) parts.push('--max-time', String(Math.ceil(o.timeoutMs / 1000)));
  return parts.map((p) => quote(p)).join(' ');
}

export function wgetOptions(o: { insecure: boolean; caFile?: string | undefined; timeoutMs?: number | undefined }): string {
  const parts = ['-nv', '-S', '--tries=1'];
  if (!o.insecure) parts.push('--https-only', '--secure-protocol=TLSv1_2');
  if (o.caFile) parts.push(`--ca-certificate=${o.caFile}`);
  if (o.timeoutMs) parts.push(`--timeout=${Math.ceil(o.timeoutMs / 1000)}`);
  return parts.map((p) => quote(p)).join(' ');
}

const noSums = defineFact({ module: 'download', name: 'sums-none', script: () => ':', parse: (): SumsFetch | null => null });
const sumsQuery = defineFact({
  module: 'download',
  name: 'sums',
  script: (script: string, _url: string, _ca: string) => script,
  id: (_s, url, ca) => [ca, url],
  parse: (r, _s, url): SumsFetch | null =>
    r.code === 0 ? { ok: true, url, text: r.stdout } : { ok: false, url, code: r.code, stderr: r.stderr.trim() },
});

/** Fetches the SHA256SUMS-style file on the host, read-only (stdout only, nothing written). */
export function sumsFact(args: DownloadOptions): FactQuery<SumsFetch | null> {
  if (args.checksum.kind !== 'sha256-url') return noSums();
  const url = args.checksum.url;
  const o = { insecure: args.allowInsecure === true, caFile: args.caFile, timeoutMs: args.timeoutMs ?? 60_000 };
  const script = [
    `if command -v curl >/dev/null 2>&1; then curl ${curlOptions(o)} ${quote(url)}`,
    `elif command -v wget >/dev/null 2>&1; then l=$(mktemp) || exit 1; wget ${wgetOptions(o)} -O - ${quote(url)} 2> "$l"; rc=$?`,
    o.insecure ? '' : `  if [ "$rc" -eq 0 ] && ! { ${HTTPS_ONLY_CHECK('"$l"')}; }; then echo 'redirected off https' >&2; rc=14; fi`,
    `  grep -v '^  ' "$l" >&2; rm -f -- "$l"; exit $rc`,
    sh`else echo 'neither curl nor wget is installed on the host' >&2; exit 127; fi`,
  ].join('\n');
  return sumsQuery(script, url, args.caFile ?? '');
}

/** The facts a download plans from: dest (hashed), its directory, the downloaders, the checksum file. */
export function downloadFacts(
  args: DownloadOptions,
  become: boolean | string = false,
): {
  dest: FactQuery<PathState>;
  dir: FactQuery<PathState>;
  downloaders: FactQuery<Downloaders>;
  sums: FactQuery<SumsFetch | null>;
} & WriteSafetyFacts {
  return {
    dest: pathFact(args.dest, { hash: true }),
    dir: pathFact(dirname(args.dest)),
    downloaders: downloadersFact(),
    sums: sumsFact(args),
    ...writeSafetyFacts(args.dest, { become }),
  };
}

/**
 * The sha256 for `name` in a SHA256SUMS-style text (`HEX  name`, `HEX *name`, or BSD `SHA256 (name) = HEX`).
 * An exact file name match wins over a match of the listed path's last component.
 */
export function findSha256(text: string, name: string): string | undefined {
  const entries: { hex: string; file: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const gnu = /^\\?([0-9a-fA-F]{64})[ \t]+\*?(.+?)\s*$/.exec(line);
    const bsd = /^SHA256 ?\((.+)\) ?= ?([0-9a-fA-F]{64})\s*$/.exec(line);
    if (gnu?.[1] && gnu[2]) entries.push({ hex: gnu[1], file: gnu[2] });
    else if (bsd?.[1] && bsd[2]) entries.push({ hex: bsd[2], file: bsd[1] });
  }
  const clean = (f: string) => f.replace(/^\.\//, '');
  const exact = entries.find((e) => clean(e.file) === name);
  const byBase = exact ?? entries.find((e) => e.file.split('/').pop() === name);
  return byBase?.hex.toLowerCase();
}

/** The file name a URL points at (last path segment, percent-decoded). */
export function urlBasename(url: string): string {
  const seg = new URL(url).pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}
