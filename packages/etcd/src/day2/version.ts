/** Release numbers and the upgrade rule: one minor version at a time, never down (etcd's own rule). Pure. */

export interface Semver {
  major: number;
  minor: number;
  patch: number;
}

export function parseSemver(v: string): Semver | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function compareSemver(a: Semver, b: Semver): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export const showSemver = (v: Semver): string => `${v.major}.${v.minor}.${v.patch}`;

export type UpgradeStep =
  | { kind: 'same' }
  | { kind: 'patch' | 'minor'; from: Semver; to: Semver }
  | { kind: 'downgrade'; from: Semver; to: Semver }
  | { kind: 'skip'; from: Semver; to: Semver };

/** What going from `from` to `to` is. */
export function upgradeStep(from: Semver, to: Semver): UpgradeStep {
  const c = compareSemver(to, from);
  if (c === 0) return { kind: 'same' };
  if (c < 0) return { kind: 'downgrade', from, to };
  if (to.major !== from.major) return { kind: 'skip', from, to };
  if (to.minor === from.minor) return { kind: 'patch', from, to };
  return to.minor === from.minor + 1 ? { kind: 'minor', from, to } : { kind: 'skip', from, to };
}
