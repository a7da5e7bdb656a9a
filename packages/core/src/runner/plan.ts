import { TsplayError } from '../errors.js';
import type { Inventory, ResolvedHost } from '../inventory/schema.js';
import { selectHosts } from '../inventory/select.js';
import type { Play, Playbook, Task } from '../playbook.js';
import { splitBatches } from './batches.js';
import { resolveTask } from './resolve.js';
import type { HostTaskPlan, PlannedPlay, PlannedTask, RunPlan } from './plan-types.js';
import { taskSelected, validateTags } from './select-tasks.js';
import { validateVars } from './vars.js';

export interface PlanOptions {
  check?: boolean | undefined;
  limit?: string | undefined;
  tags?: readonly string[] | undefined;
  skipTags?: readonly string[] | undefined;
  startAtTask?: string | undefined;
  /** The playbook's file, named in errors. */
  playbookFile?: string | undefined;
  /** Local directory that relative workstation paths resolve against (default: the working directory). */
  baseDir?: string | undefined;
  /** The strategy of plays that set none (`Play.strategy`; default 'free'). */
  strategy?: 'free' | 'linear' | undefined;
}

/**
 * The pure half of a run: hosts, batches, task identities and selection, validated vars and every
 * args function that reads no run-time state, evaluated once per host. Throws a coded error for
 * anything wrong before a host is contacted.
 */
export function planRun(playbook: Playbook, inventory: Inventory, opts: PlanOptions = {}): RunPlan {
  const file = opts.playbookFile;
  validateTags(playbook, opts.tags, opts.skipTags);
  const hosts = runHosts(playbook, inventory, opts.limit, file);
  const vars: Record<string, unknown> = {};
  for (const h of hosts) vars[h.name] = validateVars(playbook, h, inventory.source);
  const startAt = startIndex(playbook, opts.startAtTask);
  const inRun = new Set(hosts.map((h) => h.name));
  const playIds = new Map<string, number>();
  const plays = playbook.plays.map((play, i) => {
    const seen = (playIds.get(play.name) ?? 0) + 1;
    playIds.set(play.name, seen);
    const label = seen === 1 ? play.name : `${play.name} #${seen}`;
    return planPlay(
      play,
      i,
      label,
      selectHosts(inventory, play.hosts).filter((h) => inRun.has(h.name)),
      opts,
      startAt,
      file,
    );
  });
  const plan: RunPlan = {
    playbook: playbook.name,
    check: opts.check ?? false,
    baseDir: opts.baseDir ?? process.cwd(),
    inventory,
    hosts,
    vars,
    plays,
    perHost: {},
  };
  for (const h of hosts) plan.perHost[h.name] = {};
  for (const p of plays) planHostTasks(plan, p, file);
  return plan;
}

/** --limit applied, restricted to hosts some play names (strict: unknown names are errors). */
function runHosts(playbook: Playbook, inv: Inventory, limit: string | undefined, file: string | undefined): ResolvedHost[] {
  if (limit !== undefined && limit.split(/[:,]/).every((p) => p.trim() === ''))
    throw new TsplayError('USAGE', '--limit is empty: it would select no host', {
      field: '--limit',
      hint: 'give host or group names (--limit controller-0:controller-1), or leave --limit out for all hosts',
    });
  const selected = limit !== undefined ? selectHosts(inv, limit, { strict: true, flag: '--limit' }) : inv.hosts;
  const inPlays = new Set<string>();
  playbook.plays.forEach((play, i) => {
    for (const h of selectHosts(inv, play.hosts, { strict: true, flag: `plays.${i}.hosts`, file })) inPlays.add(h.name);
  });
  return selected.filter((h) => inPlays.has(h.name));
}

/** `[play, task]` of the first task named `name` (--start-at-task), or undefined without the option. */
function startIndex(pb: Playbook, name: string | undefined): [number, number] | undefined {
  if (name === undefined) return undefined;
  for (const [pi, play] of pb.plays.entries()) {
    const ti = play.tasks.findIndex((t) => t.name === name);
    if (ti >= 0) return [pi, ti];
  }
  const names = [...new Set(pb.plays.flatMap((p) => p.tasks.map((t) => t.name)))];
  throw new TsplayError('UNKNOWN_TASK', `--start-at-task names "${name}", which is no task of playbook ${pb.name}`, {
    field: '--start-at-task',
    hint: `tasks: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''} (tsplay run --list-tasks shows them all)`,
  });
}

/** A task's become, user and method: its own, else its play's. A task's `become: 'u'` names its user. */
function becomeOf(t: Task, play: Play): Pick<PlannedTask, 'become' | 'becomeUser' | 'becomeMethod'> {
  return {
    become: t.become ?? play.become,
    becomeUser: (typeof t.become === 'string' ? t.become : t.becomeUser) ?? play.becomeUser,
    becomeMethod: t.becomeMethod ?? play.becomeMethod,
  };
}

function planPlay(
  play: Play,
  index: number,
  label: string,
  hosts: ResolvedHost[],
  opts: PlanOptions,
  startAt: [number, number] | undefined,
  file: string | undefined,
): PlannedPlay {
  const byName = new Map<string, number>();
  const tasks: PlannedTask[] = play.tasks.map((t, ti) => {
    const dup = byName.get(t.name);
    if (dup !== undefined)
      throw new TsplayError('DUPLICATE_TASK', `play ${label} has two tasks named "${t.name}" (tasks ${dup + 1} and ${ti + 1})`, {
        task: `${label} › ${t.name}`,
        field: `plays.${index}.tasks.${ti}.name`,
        ...(file ? { file } : {}),
        hint: 'give each task of a play its own name (task(module, args, { name: "..." })): results and notifications are keyed by it',
      });
    byName.set(t.name, ti);
    const before = startAt !== undefined && (index < startAt[0] || (index === startAt[0] && ti < startAt[1]));
    return {
      id: `${label} › ${t.name}`,
      index: ti,
      name: t.name,
      task: t,
      selected: !before && taskSelected(t, opts.tags, opts.skipTags),
      ...becomeOf(t, play),
      notifies: [],
    };
  });
  for (const pt of tasks) for (const n of pt.task.notifiedBy) tasks.find((x) => x.task === n || x.task.origin === n)?.notifies.push(pt.id);
  const batches = splitBatches(
    hosts.map((h) => h.name),
    play.serial,
    `plays.${index}.serial`,
  );
  if (play.maxFailPercentage !== undefined && !(play.maxFailPercentage >= 0 && play.maxFailPercentage <= 100))
    throw new TsplayError('PLAY_INVALID', `maxFailPercentage must be between 0 and 100, got ${play.maxFailPercentage}`, {
      field: `plays.${index}.maxFailPercentage`,
      ...(file ? { file } : {}),
    });
  if (play.strategy !== undefined && play.strategy !== 'free' && play.strategy !== 'linear')
    throw new TsplayError('PLAY_INVALID', `strategy must be 'free' or 'linear', got ${JSON.stringify(play.strategy)}`, {
      field: `plays.${index}.strategy`,
      ...(file ? { file } : {}),
      hint: "leave it out for 'free' (hosts run on without waiting for each other), or 'linear' to keep them in step",
    });
  return {
    name: label,
    index,
    hosts: hosts.map((h) => h.name),
    batches,
    maxFailPercentage: play.maxFailPercentage,
    strategy: play.strategy ?? opts.strategy ?? 'free',
    become: play.become,
    becomeUser: play.becomeUser,
    becomeMethod: play.becomeMethod,
    tasks,
  };
}

/** Per host: resolve each selected task now when its functions read nothing of the run (else it is dynamic). */
function planHostTasks(plan: RunPlan, play: PlannedPlay, file: string | undefined): void {
  play.batches.forEach((batch, bi) => {
    for (const name of batch) {
      const host = plan.hosts.find((h) => h.name === name) as ResolvedHost;
      const mine = plan.perHost[name] as Record<string, HostTaskPlan>;
      for (const pt of play.tasks) {
        if (!pt.selected) continue;
        const { trace: _trace, ...decided } = resolveTask(pt, {
          inventory: plan.inventory,
          host,
          vars: plan.vars[name],
          check: plan.check,
          notified: false,
          play: { name: play.name, batch: bi + 1, hosts: batch },
          baseDir: plan.baseDir,
          file,
        });
        mine[pt.id] = decided;
      }
    }
  });
}
