import { formatMode, type FactValues, type PathState, type Plan } from '../kit/index.js';
import type { StatOptions } from './args.js';
import type { StatFacts } from './facts.js';

export interface StatResult extends PathState {
  path: string;
}

function describe(st: PathState): string {
  if (!st.exists) return 'does not exist';
  const kind = st.type === 'dir' ? 'directory' : st.type === 'link' ? `link to ${st.target ?? '?'}` : (st.type ?? 'file');
  return `${kind}, mode ${formatMode(st.mode)}, ${st.owner ?? '?'}:${st.group ?? '?'}${st.type === 'file' ? `, ${st.size ?? 0} bytes` : ''}`;
}

/** Pure: never a change; the state is the task's result. */
export function planStat(facts: FactValues<StatFacts>, a: StatOptions): Plan<StatResult> {
  // Without `hash` the result never carries a sha256, whether it came from the host or from a prediction.
  const { sha256, ...rest } = facts.target;
  const st = a.hash && sha256 !== undefined ? { ...rest, sha256 } : rest;
  return { changed: false, summary: `${a.path}: ${describe(st)}`, data: { path: a.path, ...st } };
}
