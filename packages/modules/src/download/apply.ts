import { dirname } from 'node:path';
import { curlConfigLine } from '../common/curl-config.js';
import {
  TsplayError,
  quote,
  reveal,
  safeAttrScript,
  safeWriteRefusal,
  safeWriteScript,
  type ApplyContext,
  type ApplyResult,
  type ApplyStep,
  type ExecResult,
  type Plan,
  type StepContext,
} from '../kit/index.js';
import type { DownloadOptions } from './args.js';
import { curlOptions, HTTPS_ONLY_CHECK, wgetOptions } from './facts.js';
import { displayUrl, type DownloadPlanData } from './plan.js';

export interface DownloadResult {
  dest: string;
  /** sha256 of dest after the task (undefined when unknown: skip mode without a download). */
  sha256: string | undefined;
  downloaded: boolean;
}

// Exit codes of the apply script (the safe write's own failures exit 1, its refusal UNSAFE_PATH).
const E_NO_TOOL = 10;
const E_TEMP = 11;
const E_FETCH = 12;
const E_MISMATCH = 13;
const E_INSECURE = 14;

/**
 * What the script reads on stdin: the URL and the headers, so that neither (nor a password in the URL)
 * is ever on a command line. curl: a config file (`-K -`); wget: the URL on the first line, then headers.
 */
export function downloadStdin(args: DownloadOptions, tool: 'curl' | 'wget'): string {
  const headers = Object.entries(args.headers ?? {}).map(([k, v]) => `${k}: ${String(reveal(v))}`);
  if (tool === 'wget') return [args.url, ...headers].map((l) => `${l}\n`).join('');
  return [curlConfigLine('url', args.url), ...headers.map((h) => curlConfigLine('header', h))].map((l) => `${l}\n`).join('');
}

/**
 * The fill of the safe write: fetch into "$TSPLAY_TMP" (made O_EXCL beside dest), check the https-only
 * rule over every redirect (wget), verify the sha256. The safe write then sets owner/mode on it, fsyncs, renames.
 */
export function downloadScript(args: DownloadOptions, d: DownloadPlanData): string {
  const o = { insecure: args.allowInsecure === true, caFile: args.caFile, timeoutMs: args.timeoutMs };
  const tool = d.tool ?? 'curl';
  const fetch =
    tool === 'wget'
      ? [
          `hrc=$(mktemp) && uf=$(mktemp) && wl=$(mktemp) || exit ${E_TEMP}`,
          `trap 'rm -f -- "$TSPLAY_TMP" "$hrc" "$uf" "$wl"' EXIT`,
          `IFS= read -r u || exit ${E_FETCH}`,
          `printf '%s\\n' "$u" > "$uf"; sed 's/^/header = /' > "$hrc"`,
          `wget ${wgetOptions(o)} --config="$hrc" -O "$TSPLAY_TMP" -i "$uf" 2> "$wl"; rc=$?`,
          ...(o.insecure ? [] : [`if [ "$rc" -eq 0 ] && ! { ${HTTPS_ONLY_CHECK('"$wl"')}; }; then cat "$wl" >&2; exit ${E_INSECURE}; fi`]),
          'grep -v "^  " "$wl" >&2; rm -f -- "$hrc" "$uf" "$wl"',
        ]
      : [`curl ${curlOptions(o)} -K - -o "$TSPLAY_TMP"; rc=$?`];
  const fill = [
    `command -v ${tool} >/dev/null 2>&1 || { echo '${tool} is not installed' >&2; exit ${E_NO_TOOL}; }`,
    ...fetch,
    `if [ "$rc" -ne 0 ]; then echo "rc=$rc"; echo "avail=$(df -Pk "$TSPLAY_DIR" 2>/dev/null | awk 'NR==2{print $4}')"; exit ${E_FETCH}; fi`,
    `actual=$(sha256sum < "$TSPLAY_TMP") || exit 1; actual=\${actual%% *}`,
    'echo "actual=$actual"',
    `want=${quote(d.expected ?? '')}`,
    `if [ -n "$want" ] && [ "$actual" != "$want" ]; then exit ${E_MISMATCH}; fi`,
  ].join('\n');
  return safeWriteScript({ path: args.dest, owner: d.owner, group: d.group, mode: d.mode }, fill);
}

function field(stdout: string, name: string): string | undefined {
  return new RegExp(`^${name}=(.*)$`, 'm').exec(stdout)?.[1];
}

/** Turns the script's exit code into the module's coded error. */
export function downloadError(r: ExecResult, args: DownloadOptions, d: DownloadPlanData, host: string): TsplayError | undefined {
  const err = r.stderr.trim().slice(-600);
  const url = displayUrl(args.url);
  if (r.timedOut) return new TsplayError('COMMAND_TIMEOUT', `download of ${url} timed out`, { host, hint: 'raise timeoutMs' });
  const refused = safeWriteRefusal(r, args.dest);
  if (refused) return refused.withContext({ host });
  switch (r.code) {
    case 0:
      return undefined;
    case E_NO_TOOL:
      return new TsplayError('NO_DOWNLOADER', `cannot download ${url}: ${err}`, { host, hint: 'install curl on the host' });
    case E_TEMP:
      return new TsplayError('WRITE_FAILED', `cannot create a temp file for the download of ${args.dest}: ${err}`, { host, field: 'dest' });
    case E_INSECURE:
      return new TsplayError(
        'DOWNLOAD_FAILED',
        `download of ${url} was redirected off https; nothing was written: ${err
          .split('\n')
          .filter((l) => /Location:|URL:/.test(l))
          .join('; ')}`,
        {
          host,
          field: 'url',
          hint: 'every redirect must stay on https (set allowInsecure: true only for a trusted network)',
        },
      );
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
    case 1:
      return new TsplayError('WRITE_FAILED', `cannot write ${args.dest}: ${err || 'no message'}`, { host, field: 'dest' });
    default:
      return new TsplayError('COMMAND_FAILED', `download script failed (exit ${r.code}): ${err}`, { host });
  }
}

/**
 * The change the plan asked for as one script and the reading of its result, apply's and the step's alike:
 * the attributes only, or the download (the URL and headers on stdin, never on argv); undefined: none.
 */
function downloadChange(host: string, args: DownloadOptions, d: DownloadPlanData | undefined): ApplyStep<DownloadResult> | undefined {
  if (!d || d.action === 'none') return undefined;
  if (d.action === 'attrs') {
    return {
      script: safeAttrScript({ path: args.dest, owner: d.owner, group: d.group, mode: d.mode }),
      done: (r) => {
        const refused = safeWriteRefusal(r, args.dest);
        if (refused) throw refused.withContext({ host });
        if (r.code !== 0) throw new TsplayError('WRITE_FAILED', `cannot set mode/owner on ${args.dest}: ${r.stderr.trim()}`, { host });
        return { changed: true, data: { dest: args.dest, sha256: d.expected, downloaded: false } };
      },
    };
  }
  return {
    script: downloadScript(args, d),
    stdin: downloadStdin(args, d.tool ?? 'curl'),
    timeoutMs: args.timeoutMs ? args.timeoutMs + 15_000 : undefined,
    done: (r) => {
      const error = downloadError(r, args, d, host);
      if (error) throw error;
      return { changed: true, data: { dest: args.dest, sha256: field(r.stdout, 'actual'), downloaded: true } };
    },
  };
}

export async function applyDownload(
  ctx: ApplyContext,
  args: DownloadOptions,
  plan: Plan<DownloadPlanData>,
): Promise<ApplyResult<DownloadResult>> {
  const s = downloadChange(ctx.host, args, plan.data);
  if (!s) return { changed: false, data: { dest: args.dest, sha256: plan.data?.expected, downloaded: false } };
  return s.done(await ctx.conn.exec(s.script, { become: ctx.become, stdin: s.stdin, timeoutMs: s.timeoutMs }));
}

/** The same change as `applyDownload` as one step (for a host's consecutive tasks in one exec); undefined: nothing to do. */
export function downloadStep(ctx: StepContext, args: DownloadOptions, plan: Plan<DownloadPlanData>): ApplyStep<DownloadResult> | undefined {
  return downloadChange(ctx.host, args, plan.data);
}
