import {
  defineFact,
  parsePathProbe,
  pathScript,
  unitFact,
  type FactQuery,
  type FactValues,
  type PathState,
  type UnitState,
} from '../kit/index.js';

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
  // answered from the probe's shared stat with the other plain paths (no subshell and stat of its own)
  statPath: (unit) => unitFilePath(unit),
  parse: (r): UnitFileFact => ({ state: parsePathProbe(r.stdout), predicted: false }),
  // a stat of this one path: it holds until the path, or a directory above it, changes
  paths: (unit) => [unitFilePath(unit)],
  statOf: (unit) => [unitFilePath(unit)],
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
  // reads nothing on the host (only the check overlay answers): no change on the host makes it stale
  statOf: () => [],
  fromOverlay: (o, unit) => o.unit(unit),
});

/**
 * Where systemd reads what `systemctl show` reports of a unit (LoadState, UnitFileState, FragmentPath,
 * NeedDaemonReload): the unit file and its drop-ins (`NAME.d/`) in every unit directory of the system
 * manager (/etc, /run, /lib, /usr/lib, /usr/local/lib `systemd/system`, with `system.control`, `transient` and
 * the generators' output beside them), the enablement links (`/etc/systemd/system/*.wants`, `*.requires`),
 * presets, and the files systemd's own generators turn into units (fstab and crypttab: `.mount`, `.swap`,
 * cryptsetup units; /etc/init.d and /etc/rc.local: SysV and rc-local services). Whole `systemd` trees, not
 * just `system/`: conservative, and a write there is rare outside unit management. A write of any other path
 * (an EnvironmentFile, a config the unit's process reads, a certificate) changes none of these: systemd
 * reads those only when it starts the process, which is a change no plan describes (it clears every fact).
 * Not covered: a unit file linked in from elsewhere (`systemctl link /opt/x.service`), a third-party
 * generator's input, or a `.path` unit that starts this one when a watched file is written; these are seen
 * at the next probe after a change no plan describes.
 */
export const UNIT_STATE_PATHS: readonly string[] = [
  '/etc/systemd',
  '/run/systemd',
  '/lib/systemd',
  '/usr/lib/systemd',
  '/usr/local/lib/systemd',
  '/etc/fstab',
  '/etc/crypttab',
  '/etc/init.d',
  '/etc/rc.local',
];

/**
 * The unit's state as `systemctl show` reports it, saying what it reads (`UNIT_STATE_PATHS`, and below): the
 * runner keeps it across a described change elsewhere (a file write under /etc/etcd), drops it after a write
 * under a unit directory, and probes it ahead with the facts of earlier tasks.
 */
export function unitStateFact(unit: string): FactQuery<UnitState> {
  return { ...unitFact(unit), paths: UNIT_STATE_PATHS };
}

export function systemdFacts(unit: string) {
  return {
    unit: unitStateFact(unit),
    unitFile: unitFileFact(unit),
    predicted: predictedUnitFact(unit),
  };
}

/** The values the plan sees, derived from the facts it asks for. */
export type SystemdFactValues = FactValues<ReturnType<typeof systemdFacts>>;
