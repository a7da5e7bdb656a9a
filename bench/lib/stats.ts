/** Median and spread of a list of wall times (seconds). */
export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
  runs: number[];
}

export function stat(xs: readonly number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { median: NaN, min: NaN, max: NaN, n: 0, runs: [] };
  const mid = Math.floor(n / 2);
  const median = n % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[n - 1] as number, n, runs: [...xs] };
}

export const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
