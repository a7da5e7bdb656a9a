import { dirname } from 'node:path';
import { unsafeWrite } from '../kit/index.js';
import { TsplayError, type PathState, type Plan } from '../kit/index.js';
import { formatMode } from '../common/mode.js';
import type { DownloadOptions } from './args.js';
import { findSha256, urlBasename, type Downloaders, type SumsFetch } from './facts.js';

export interface DownloadFactValues {
  dest: PathState;
  dir: PathState;
  downloaders: Downloaders;
  sums: SumsFetch | null;
}

/** Handed from plan to apply. */
export interface DownloadPlanData {
  action: 'none' | 'attrs' | 'download';
  /** sha256 the file must have; undefined with `checksum: 'skip'`. */
  expected: string | undefined;
  tool: 'curl' | 'wget' | undefined;
  /** Final attributes (mode always known; owner/group only when asked or kept from the old file). */
  mode: number;
  owner: string | undefined;
  group: string | undefined;
}

/** A URL for display: any password in it replaced. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** The sha256 the downloaded file must have, from the pinned value or the fetched checksum file. */
export function expectedSha256(args: DownloadOptions, sums: SumsFetch | null): string | undefined {
  const c = args.checksum;
  if (c.kind === 'sha256') return c.sha256;
  if (c.kind === 'skip') return undefined;
  if (!sums) throw new TsplayError('INTERNAL', 'the checksum file was not fetched');
  if (!sums.ok) {
    throw new TsplayError(
      'DOWNLOAD_FAILED',
      `could not fetch the checksum file ${displayUrl(sums.url)}: ${sums.stderr || `exit ${sums.code}`}`,
      {
        field: 'checksum',
        hint: 'the host fetches it with curl/wget over https; check the URL and caFile',
      },
    );
  }
  const name = urlBasename(args.url);
  const hex = findSha256(sums.text, name);
  if (!hex) {
    throw new TsplayError('DOWNLOAD_FAILED', `the checksum file ${displayUrl(sums.url)} has no sha256 line for ${name}`, {
      field: 'checksum',
      hint: 'the line whose file name equals the last segment of url is used; pin the sha256 instead if the names differ',
    });
  }
  return hex;
}

/** Pure: is dest already right? If not, what would the download do and leave behind? */
export function planDownload(f: DownloadFactValues, args: DownloadOptions): Plan<DownloadPlanData> {
  const plan = planDownloadChange(f, args);
  // The safe write (or attribute change) would be refused: fail as it would, in check mode too.
  const refused = plan.changed && plan.data ? unsafeWrite(f, args.dest, plan.data.owner) : undefined;
  if (refused) throw refused;
  return plan;
}

function planDownloadChange(f: DownloadFactValues, args: DownloadOptions): Plan<DownloadPlanData> {
  const dir = dirname(args.dest);
  if (!f.dir.exists || f.dir.type !== 'dir') {
    throw new TsplayError(
      'WRITE_FAILED',
      `cannot download to ${args.dest}: ${dir} ${f.dir.exists ? 'is not a directory' : 'does not exist'}`,
      {
        field: 'dest',
        hint: 'create the directory first (file module, state: directory)',
      },
    );
  }
  if (f.dest.exists && f.dest.type === 'dir') {
    throw new TsplayError('WRITE_FAILED', `dest ${args.dest} is a directory; give the full file path`, { field: 'dest' });
  }
  const expected = expectedSha256(args, f.sums);
  const isFile = f.dest.exists && f.dest.type === 'file';
  const contentOk = isFile && (expected === undefined || f.dest.sha256 === expected);
  const mode = args.mode ?? (isFile && f.dest.mode !== undefined ? f.dest.mode : 0o644);
  const owner = args.owner ?? (isFile ? f.dest.owner : undefined);
  const group = args.group ?? (isFile ? f.dest.group : undefined);
  const base = { expected, mode, owner, group, tool: undefined };
  if (contentOk) {
    const wrong = [
      args.mode !== undefined && f.dest.mode !== args.mode ? `mode ${formatMode(args.mode)}` : '',
      args.owner !== undefined && f.dest.owner !== args.owner ? `owner ${args.owner}` : '',
      args.group !== undefined && f.dest.group !== args.group ? `group ${args.group}` : '',
    ].filter(Boolean);
    if (wrong.length === 0) return { changed: false, summary: `${args.dest} is up to date`, data: { ...base, action: 'none' } };
    return {
      changed: true,
      summary: `would set ${wrong.join(', ')} on ${args.dest}`,
      data: { ...base, action: 'attrs' },
      predict: { paths: { [args.dest]: { ...f.dest, mode, owner, group } } },
    };
  }
  const tool = f.downloaders.curl ? 'curl' : f.downloaders.wget ? 'wget' : undefined;
  if (!tool) {
    throw new TsplayError('NO_DOWNLOADER', `cannot download ${displayUrl(args.url)}: neither curl nor wget is installed on the host`, {
      hint: 'install curl (apt-get install curl) on the host first',
    });
  }
  const why = !f.dest.exists ? '' : isFile ? ' (content differs)' : ` (replacing a ${f.dest.type})`;
  return {
    changed: true,
    summary: `would download ${displayUrl(args.url)} -> ${args.dest}${why}`,
    data: { ...base, action: 'download', tool },
    predict: {
      paths: {
        [args.dest]: { exists: true, type: 'file', sha256: expected, mode, owner, group },
      },
    },
  };
}
