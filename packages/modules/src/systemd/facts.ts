import { defineFact, parsePathProbe, pathScript, unitFact, type FactValues, type PathState, type UnitState } from '../kit/index.js';

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

export const unitFileFact = defineFact({
  module: 'systemd',
  name: 'unitFile',
  script: (unit: string) => pathScript(unitFilePath(unit), false),
  parse: (r): UnitFileFact => ({ state: parsePathProbe(r.stdout), predicted: false }),
  fromOverlay: (o, unit) => {
    const s = o.path(unitFilePath(unit));
    return s ? { state: s, predicted: true } : undefined;
  },
});

/**
 * The unit state an earlier systemd task of this check run predicted (null outside check mode or
 * when none did). The host probe is a no-op; only the overlay answers.
 */
export const predictedUnitFact = defineFact({
  module: 'systemd',
  name: 'predicted',
  script: (_unit: string) => ':',
  parse: (): Partial<UnitState> | null => null,
  fromOverlay: (o, unit) => o.unit(unit),
});

export function systemdFacts(unit: string) {
  return {
    unit: unitFact(unit),
    unitFile: unitFileFact(unit),
    predicted: predictedUnitFact(unit),
  };
}

/** The values the plan sees, derived from the facts it asks for. */
export type SystemdFactValues = FactValues<ReturnType<typeof systemdFacts>>;
