import { basename, dirname } from 'node:path';
import { TsplayError, quote, reveal, sh, type ApplyContext, type ApplyResult, type ExecResult, type Plan } from '@tsplay/core';
import { chownSpec, SCRIPT_EXIT } from '../common/attrs.js';
import type { DownloadOptions } from './args.js';
import { curlOptions, wgetOptions } from './facts.js';
import { displayUrl, type DownloadPlanData } from './plan.js';

export interface DownloadResult {
  dest: string;
  /** sha256 of dest after the task (undefined when unknown: skip mode without a download). */
  sha256: string | undefined;
  downloaded: boolean;
}

// Exit codes of the apply script.
const E_NO_TOOL = 10;
const { temp: E_TEMP, attrs: E_ATTRS, rename: E_RENAME } = SCRIPT_EXIT;
const E_FETCH = 12;
const E_MISMATCH = 13;

/** The shell script that downloads to a temp file beside dest, verifies, fsyncs, sets attributes and renames. */
export function downloadScript(args: DownloadOptions, d: DownloadPlanData, withHeaders: boolean): string {
  const dir = dirname(args.dest);
  const o = { insecure: args.allowInsecure === true, caFile: args.caFile, timeoutMs: args.timeoutMs };
  const own = chownSpec(d.owner, d.group);
  const fetch =
    d.tool === 'wget'
      ? [
          withHeaders ? `hrc=$(mktemp) || exit ${E_TEMP}; sed 's/^/header = /' > "$hrc"` : 'hrc=',
          `wget ${wgetOptions(o)} ${withHeaders ? '--config="$hrc"' : ''} -O "$tmp" ${quote(args.url)}; rc=$?`,
          '[ -n "$hrc" ] && rm -f "$hrc"',
        ]
      : [`curl ${curlOptions(o)} ${withHeaders ? '-H @-' : ''} -o "$tmp" ${quote(args.url)}; rc=$?`];
  return [
    'tmp=',
    `trap 'rm -f "$tmp"' EXIT`,
    `trap 'exit 130' INT TERM HUP PIPE`,
    sh`command -v ${d.tool ?? 'curl'} >/dev/null 2>&1 || { echo ${`${d.tool ?? 'curl'} is not installed`} >&2; exit ${E_NO_TOOL}; }`,
    sh`d=${dir}; dest=${args.dest}; want=${d.expected ?? ''}`,
    sh`tmp=$(mktemp ${`${dir}/.${basename(args.dest)}.tsplay-XXXXXX`}) || exit ${E_TEMP}`,
    ...fetch,
    `if [ "$rc" -ne 0 ]; then echo "rc=$rc"; echo "avail=$(df -Pk "$d" 2>/dev/null | awk 'NR==2{print $4}')"; exit ${E_FETCH}; fi`,
    `actual=$(sha256sum < "$tmp" | cut -d' ' -f1) || exit ${E_ATTRS}`,
    'echo "actual=$actual"',
    `if [ -n "$want" ] && [ "$actual" != "$want" ]; then exit ${E_MISMATCH}; fi`,
    'sync "$tmp" 2>/dev/null || sync',
    sh`chmod ${d.mode.toString(8)} "$tmp" || exit ${E_ATTRS}`,
    own ? sh`chown ${own} "$tmp" || exit ${E_ATTRS}` : ':',
    `mv -f "$tmp" "$dest" || exit ${E_RENAME}`,
    'tmp=',
  ].join('\n');
}

function field(stdout: string, name: string): string | undefined {
  return new RegExp(`^${name}=(.*)$`, 'm').exec(stdout)?.[1];
}

/** Turns the script's exit code into the module's coded error. */
export function downloadError(r: ExecResult, args: DownloadOptions, d: DownloadPlanData, host: string): TsplayError | undefined {
  const err = r.stderr.trim().slice(-600);
  const url = displayUrl(args.url);
  if (r.timedOut) return new TsplayError('COMMAND_TIMEOUT', `download of ${url} timed out`, { host, hint: 'raise timeoutMs' });
  switch (r.code) {
    case 0:
      return undefined;
    case E_NO_TOOL:
      return new TsplayError('NO_DOWNLOADER', `cannot download ${url}: ${err}`, { host, hint: 'install curl on the host' });
    case E_TEMP:
      return new TsplayError('WRITE_FAILED', `cannot create a temp file beside ${args.dest}: ${err}`, { host, field: 'dest' });
    case E_FETCH: {
      const rc = Number(field(r.stdout, 'rc'));
      const writeError = (d.tool === 'wget' && rc === 3) || (d.tool !== 'wget' && rc === 23);
      if (/No space left/i.test(err) || (writeError && field(r.stdout, 'avail') === '0')) {
        return new TsplayError('DISK_FULL', `no space left on the host while downloading ${url} to ${args.dest}`, {
          host,
          hint: `free space in ${dirname(args.dest)}`,
        });
      }
      return new TsplayError('DOWNLOAD_FAILED', `download of ${url} failed (${d.tool} exit ${rc}): ${err || 'no message'}`, {
        host,
        field: 'url',
        hint: 'check the URL, the server and caFile; the host does the download',
      });
    }
    case E_MISMATCH: {
      const actual = field(r.stdout, 'actual') ?? '?';
      return new TsplayError('CHECKSUM_MISMATCH', `${url}: expected sha256 ${d.expected ?? '?'}, got ${actual}`, {
        host,
        field: 'checksum',
        hint: 'nothing was written to dest; check the URL and the checksum (a new release needs a new checksum)',
      });
    }
    case E_ATTRS:
      return new TsplayError('WRITE_FAILED', `cannot set mode/owner on ${args.dest}: ${err}`, { host });
    case E_RENAME:
      return new TsplayError('WRITE_FAILED', `cannot rename the download into ${args.dest}: ${err}`, { host });
    default:
      return new TsplayError('COMMAND_FAILED', `download script failed (exit ${r.code}): ${err}`, { host });
  }
}

export async function applyDownload(ctx: ApplyContext, args: DownloadOptions, plan: Plan<DownloadPlanData>): Promise<ApplyResult<DownloadResult>> {
  const d = plan.data;
  if (!d || d.action === 'none') return { changed: false, data: { dest: args.dest, sha256: d?.expected, downloaded: false } };
  if (d.action === 'attrs') {
    const own = chownSpec(d.owner, d.group);
    const cmd = [sh`chmod ${d.mode.toString(8)} ${args.dest}`, own ? sh`chown ${own} ${args.dest}` : ':'].join(' && ');
    const r = await ctx.conn.exec(cmd, { become: ctx.become });
    if (r.code !== 0) throw new TsplayError('WRITE_FAILED', `cannot set mode/owner on ${args.dest}: ${r.stderr.trim()}`, { host: ctx.host });
    return { changed: true, data: { dest: args.dest, sha256: d.expected, downloaded: false } };
  }
  const headers = Object.entries(args.headers ?? {}).map(([k, v]) => `${k}: ${String(reveal(v))}`);
  const r = await ctx.conn.exec(downloadScript(args, d, headers.length > 0), {
    become: ctx.become,
    stdin: headers.length > 0 ? `${headers.join('\n')}\n` : undefined,
    timeoutMs: args.timeoutMs ? args.timeoutMs + 15_000 : undefined,
  });
  const error = downloadError(r, args, d, ctx.host);
  if (error) throw error;
  return { changed: true, data: { dest: args.dest, sha256: field(r.stdout, 'actual'), downloaded: true } };
}
