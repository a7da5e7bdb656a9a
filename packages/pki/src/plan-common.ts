import type { PathState } from '@tsplay/modules/kit';

/** What plan hands to apply: issue (with a new key or the existing one), or only repair modes. */
export interface PkiPlanData {
  issue: boolean;
  newKey: boolean;
  /** [path, mode] to chmod when nothing is issued. */
  chmod: Array<[string, number]>;
}

/** The predicted state of what an issue writes: the certificate 0644, a new key 0600 (content unknown before it is made). */
export function fileWrites(cert: string, key: string | undefined): Record<string, PathState> {
  const out: Record<string, PathState> = { [cert]: { exists: true, type: 'file', mode: 0o644 } };
  if (key !== undefined) out[key] = { exists: true, type: 'file', mode: 0o600 };
  return out;
}

/** Files whose mode differs from the wanted one (a key readable by others is repaired, not re-issued). */
export function modeFixes(files: Array<{ path: string; mode: number; want: number }>) {
  return files
    .filter((f) => f.mode !== f.want)
    .map((f) => ({
      path: f.path,
      want: f.want,
      summary: `would set ${f.path} to mode ${f.want.toString(8).padStart(4, '0')} (is ${f.mode.toString(8).padStart(4, '0')})`,
      state: { exists: true, type: 'file', mode: f.want } as PathState,
    }));
}
