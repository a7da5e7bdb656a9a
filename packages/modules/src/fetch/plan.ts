import { errorCodes, formatMode, type FactValues, type Plan } from '../kit/index.js';
import type { FetchOptions } from './args.js';
import type { FetchFacts } from './facts.js';

export const fail = errorCodes(['FETCH_FAILED', 'CHECKSUM_MISMATCH']);

export interface FetchPlanData {
  /** The workstation file. */
  path: string;
  /** `fetch`: bring the bytes; `chmod`: same sha256, only the mode differs. */
  action: 'fetch' | 'chmod';
  /** sha256 of the host file at fact time: what must arrive. */
  sha256: string;
  size: number;
  mode: number;
}

export const modeOf = (a: Pick<FetchOptions, 'mode' | 'secret'>): number => a.mode ?? (a.secret ? 0o600 : 0o644);

/** Pure: the host file and the workstation file -> nothing to do, a chmod, or a transfer. */
export function planFetch(f: FactValues<FetchFacts>, a: FetchOptions): Plan<FetchPlanData> {
  const r = f.remote;
  const local = f.local;
  if (!r.exists || r.type !== 'file') {
    throw fail('FETCH_FAILED', `src ${a.src} ${r.exists ? 'is not a regular file' : 'does not exist on the host'}`, {
      field: 'src',
      hint: 'fetch copies one regular file; an earlier task must create it first',
    });
  }
  if (local.kind === 'other')
    throw fail('FETCH_FAILED', `dest ${local.path} ${local.what} on the workstation`, {
      field: 'dest',
      hint: 'name a file path (flat), or a directory for the per-host tree',
    });
  const mode = modeOf(a);
  const size = r.size ?? 0;
  if (r.sha256 === undefined) {
    const data: FetchPlanData = { path: local.path, action: 'fetch', sha256: '', size, mode };
    return {
      changed: true,
      summary: `would fetch ${a.src} to ${local.path}`,
      unknown: `the content of ${a.src} is not known before the earlier tasks run`,
      data,
    };
  }
  const data: FetchPlanData = { path: local.path, action: 'fetch', sha256: r.sha256, size, mode };
  if (local.kind === 'file' && local.sha256 === r.sha256) {
    if (local.mode === mode) return { changed: false, summary: `${local.path} is up to date (sha256 ${r.sha256.slice(0, 12)}…)`, data };
    return {
      changed: true,
      summary: `${local.path}: mode ${formatMode(local.mode)} -> ${formatMode(mode)}`,
      data: { ...data, action: 'chmod' },
    };
  }
  const what = local.kind === 'file' ? 'update' : 'create';
  return {
    changed: true,
    summary: `would ${what} ${local.path} from ${a.src} (${size} bytes, mode ${formatMode(mode)}${a.secret ? ', secret content' : ''})`,
    data,
  };
}
