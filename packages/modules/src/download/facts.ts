import { dirname } from 'node:path';
import { commandFact, pathFact, quote, sh, type FactQuery, type PathState } from '@tsplay/core';
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

export function downloadersFact(): FactQuery<Downloaders> {
  return commandFact('downloaders', 'command -v curl wget || true', (r) => parseDownloaders(r.stdout));
}

/** curl/wget options shared by the fact and apply: TLS only (unless insecure), CA bundle, timeout. */
export function curlOptions(o: { insecure: boolean; caFile?: string | undefined; timeoutMs?: number | undefined }): string {
  const parts = o.insecure ? ['-fsSL'] : ['--proto', '=https', '--proto-redir', '=https', '--tlsv1.2', '-fsSL'];
  parts.push('--connect-timeout', '30');
  if (o.caFile) parts.push('--cacert', o.caFile);
  if (o.timeoutMs) parts.push('--max-time', String(Math.ceil(o.timeoutMs / 1000)));
  return parts.map((p) => quote(p)).join(' ');
}

export function wgetOptions(o: { insecure: boolean; caFile?: string | undefined; timeoutMs?: number | undefined }): string {
  const parts = ['-nv', '--tries=1'];
  if (!o.insecure) parts.push('--https-only');
  if (o.caFile) parts.push(`--ca-certificate=${o.caFile}`);
  if (o.timeoutMs) parts.push(`--timeout=${Math.ceil(o.timeoutMs / 1000)}`);
  return parts.map((p) => quote(p)).join(' ');
}

/** Fetches the SHA256SUMS-style file on the host, read-only (stdout only, nothing written). */
export function sumsFact(args: DownloadOptions): FactQuery<SumsFetch | null> {
  if (args.checksum.kind !== 'sha256-url') return commandFact('sums:none', ':', () => null);
  const url = args.checksum.url;
  const o = { insecure: args.allowInsecure === true, caFile: args.caFile, timeoutMs: args.timeoutMs ?? 60_000 };
  const script = [
    `if command -v curl >/dev/null 2>&1; then curl ${curlOptions(o)} ${quote(url)}`,
    `elif command -v wget >/dev/null 2>&1; then wget ${wgetOptions(o)} -O - ${quote(url)}`,
    sh`else echo 'neither curl nor wget is installed on the host' >&2; exit 127; fi`,
  ].join('\n');
  return commandFact(`sums:${args.caFile ?? ''}:${url}`, script, (r) =>
    r.code === 0 ? { ok: true, url, text: r.stdout } : { ok: false, url, code: r.code, stderr: r.stderr.trim() },
  );
}

/** The facts a download plans from: dest (hashed), its directory, the downloaders, the checksum file. */
export function downloadFacts(args: DownloadOptions): {
  dest: FactQuery<PathState>;
  dir: FactQuery<PathState>;
  downloaders: FactQuery<Downloaders>;
  sums: FactQuery<SumsFetch | null>;
} {
  return {
    dest: pathFact(args.dest, { hash: true }),
    dir: pathFact(dirname(args.dest)),
    downloaders: downloadersFact(),
    sums: sumsFact(args),
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
