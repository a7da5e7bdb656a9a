import { TsplayError, type Plan, type PlanContext, type UnitState } from '../kit/index.js';
import type { SystemdArgs } from './args.js';
import { unitFilePath, unitName, type SystemdFactValues } from './facts.js';

export type SystemdAction = 'daemon-reload' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';

/** What the unit looks like, in the terms the diff shows. */
export interface UnitView {
  load: string;
  enabled: string;
  active: string;
}

export interface SystemdPlanData {
  unit: string;
  actions: SystemdAction[];
  before: UnitView;
  after: UnitView;
}

/** What a systemd task returns: the unit, what was done, and its state afterwards. */
export interface SystemdResult {
  unit: string;
  actions: SystemdAction[];
  active: string;
  enabled: string;
  /** Set when the task stopped waiting before the unit was active (Type=notify without readiness yet). */
  note?: string | undefined;
}

const ENABLED = new Set(['enabled', 'enabled-runtime']);
/** Unit file states where `systemctl enable` has nothing to do. */
const NOT_ENABLEABLE = new Set(['static', 'alias', 'indirect', 'generated', 'transient']);
const RUNNING = new Set(['active', 'reloading']);
const STOPPED = new Set(['inactive', 'failed']);

/** Host state, with what earlier tasks of a check run would have changed laid over it. */
export function effectiveUnit(f: SystemdFactValues): UnitState & { fileChanged: boolean } {
  const u: UnitState = { ...f.unit, ...(f.predicted ?? {}) };
  // A unit file that an earlier task writes in this check run: systemd has not loaded it yet.
  const fileChanged = f.unitFile.predicted && f.unitFile.state.exists;
  return { ...u, fileChanged };
}

/** Pure: facts + args -> the actions to take, in order, and the unit state before/after. */
export function planSystemd(f: SystemdFactValues, args: SystemdArgs, ctx: Pick<PlanContext, 'host'>): Plan<SystemdPlanData> {
  const unit = unitName(args.name);
  const u = effectiveUnit(f);
  const actions: SystemdAction[] = [];
  const fileOnDisk = f.unitFile.state.exists;
  // A file on disk that systemd still holds as not-found (something references the unit).
  const unloadedFile = !f.unitFile.predicted && fileOnDisk && u.load === 'not-found';
  const missing = u.load === 'not-found' && !fileOnDisk && !u.fileChanged;

  if (missing && (args.state === 'started' || args.state === 'restarted' || args.state === 'reloaded' || args.enabled === true)) {
    throw new TsplayError('SERVICE_FAILED', `unit ${unit} does not exist on this host`, {
      host: ctx.host,
      field: 'name',
      hint: `write ${unitFilePath(unit)} first (e.g. with a template task before this one) or install the package that ships it`,
    });
  }
  // systemd loads an unreferenced unit afresh on every query (and collects it again), so only a unit it
  // holds in memory (running, failed or enabled) keeps a stale copy of a rewritten file.
  const held = u.load === 'loaded' && (u.active !== 'inactive' || ENABLED.has(u.enabled));
  const needReload = u.needDaemonReload || (u.fileChanged && held) || unloadedFile;
  if (args.daemonReload && needReload) actions.push('daemon-reload');

  const before: UnitView = { load: u.load, enabled: u.enabled || '(none)', active: u.active };
  let enabled = u.enabled;
  if (args.enabled === true && !ENABLED.has(u.enabled) && !NOT_ENABLEABLE.has(u.enabled)) {
    actions.push('enable');
    enabled = 'enabled';
  } else if (args.enabled === false && ENABLED.has(u.enabled)) {
    actions.push('disable');
    enabled = 'disabled';
  }

  let active = u.active;
  const running = RUNNING.has(u.active);
  switch (args.state) {
    case 'started':
      // a notified unit that is still activating (e.g. etcd waiting for peers) runs the old config: restart it
      if (args.restart && (running || u.active === 'activating')) actions.push('restart');
      else if (!running) actions.push('start');
      active = 'active';
      break;
    case 'stopped':
      if (!STOPPED.has(u.active)) actions.push('stop');
      active = 'inactive';
      break;
    case 'restarted':
      actions.push(running ? 'restart' : 'start');
      active = 'active';
      break;
    case 'reloaded':
      actions.push(running ? (args.restart ? 'restart' : 'reload') : 'start');
      active = 'active';
      break;
    default:
      if (args.restart && (running || u.active === 'activating')) actions.push('restart');
  }

  const after: UnitView = {
    load: missing ? u.load : 'loaded',
    enabled: enabled || '(none)',
    active,
  };
  const changed = actions.length > 0;
  const data: SystemdPlanData = { unit, actions, before, after };
  if (!changed) return { changed, summary: `${unit} is ${describe(before)}`, data };
  return {
    changed,
    summary: `${actions.join(', ')} ${unit}`,
    diff: [{ path: unit, before: render(unit, before), after: render(unit, after) }],
    predict: {
      units: {
        [unit]: {
          load: after.load,
          enabled: enabled,
          active: after.active,
          sub: after.active === 'active' ? 'running' : 'dead',
          needDaemonReload: actions.includes('daemon-reload') ? false : u.needDaemonReload,
        },
      },
    },
    data,
  };
}

function describe(v: UnitView): string {
  return `${v.active}, ${v.enabled}`;
}

/** The unit state as the --diff shows it. */
export function render(unit: string, v: UnitView): string {
  return `unit: ${unit}\nload: ${v.load}\nenabled: ${v.enabled}\nactive: ${v.active}\n`;
}
