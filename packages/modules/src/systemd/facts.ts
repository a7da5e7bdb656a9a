import { parsePathProbe, pathScript, unitFact, type FactQuery, type PathState, type UnitState } from '@tsplay/core';

/** Unit types systemctl knows; a bare name such as `etcd` means `etcd.service`. */
const UNIT_SUFFIX = /\.(service|socket|timer|target|mount|automount|path|slice|scope|swap|device)$/;

/** `etcd` -> `etcd.service`; names that already carry a unit type are kept. */
export function unitName(name: string): string {
  return UNIT_SUFFIX.test(name) ? name : `${name}.service`;
}

/** Where a locally administered unit file lives (what a template task writes). */
export function unitFilePath(unit: string): string {
  return `/etc/systemd/system/${unit}`;
}

/** The unit file as the host has it, or as an earlier task of this check run would leave it. */
export interface UnitFileFact {
  state: PathState;
  /** True when the state comes from the check-mode overlay (an earlier task would write it). */
  predicted: boolean;
}

export function unitFileFact(unit: string): FactQuery<UnitFileFact> {
  const path = unitFilePath(unit);
  return {
    key: `systemd-unitfile:${path}`,
    script: pathScript(path, false),
    parse: (r) => ({ state: parsePathProbe(r.stdout), predicted: false }),
    fromOverlay: (o) => {
      const s = o.path(path);
      return s ? { state: s, predicted: true } : undefined;
    },
  };
}

/**
 * The unit state an earlier systemd task of this check run predicted (null outside check mode or
 * when none did). The host probe is a no-op; only the overlay answers.
 */
export function predictedUnitFact(unit: string): FactQuery<Partial<UnitState> | null> {
  return {
    key: `systemd-predicted:${unit}`,
    script: ':',
    parse: () => null,
    fromOverlay: (o) => o.unit(unit),
  };
}

export function systemdFacts(unit: string) {
  return {
    unit: unitFact(unit),
    unitFile: unitFileFact(unit),
    predicted: predictedUnitFact(unit),
  };
}
