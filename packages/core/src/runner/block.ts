import type { BecomeMethod } from '../connection.js';
import { TsplayError } from '../errors.js';
import type { BlockRef, Task, TaskContext } from '../playbook.js';

export interface BlockSpec<V = any> {
  name: string;
  /** The tasks of the block. A failure among them (not ignored) skips the rest and runs `rescue`. */
  tasks: readonly Task[];
  /** Runs when a task of the block failed; the host is then not failed unless a rescue task fails too. */
  rescue?: readonly Task[];
  /** Runs whatever happened (after the block, and after rescue). */
  always?: readonly Task[];
  /** Shared by every task of the block, rescue and always (each task's own `when` must hold too). */
  when?: (ctx: TaskContext<V>) => boolean;
  /** Shared default: a task's own `become` wins. */
  become?: boolean | string;
  /** Shared defaults: a task's own `becomeUser` / `becomeMethod` wins. */
  becomeUser?: string;
  becomeMethod?: BecomeMethod;
  /** Added to every task's own tags. */
  tags?: readonly string[];
  /** Shared default: a task's own `delegateTo` wins. */
  delegateTo?: string | ((ctx: TaskContext<V>) => string);
}

/**
 * Ansible's `block`/`rescue`/`always`: the block's tasks, then its rescue, then its always, as one flat
 * list of tasks (spread it into a play's `tasks`). Each task carries its part; the runner skips the rest
 * of the block for a host after a failure, runs rescue only for the hosts that failed in it, and always
 * for every host that entered it. A block cannot hold another block.
 */
export function block<V = any>(spec: BlockSpec<V>): Task[] {
  const id = {};
  const hasRescue = (spec.rescue ?? []).length > 0;
  const parts: ['block' | 'rescue' | 'always', readonly Task[]][] = [
    ['block', spec.tasks],
    ['rescue', spec.rescue ?? []],
    ['always', spec.always ?? []],
  ];
  if (spec.tasks.length === 0) throw new TsplayError('PLAY_INVALID', `block "${spec.name}" has no tasks`, { field: 'tasks' });
  return parts.flatMap(([part, tasks]) => tasks.map((t) => inBlock(spec, t, { name: spec.name, id, part, hasRescue })));
}

function inBlock(spec: BlockSpec, t: Task, ref: BlockRef): Task {
  if (t.block)
    throw new TsplayError('PLAY_INVALID', `task "${t.name}" is already in block "${t.block.name}"; blocks do not nest`, {
      task: t.name,
      field: 'block',
      hint: `give block "${spec.name}" its own tasks`,
    });
  const own = t.when;
  const shared = spec.when;
  const when = shared && own ? (c: TaskContext<any>) => shared(c) && own(c) : (shared ?? own);
  return {
    ...t,
    tags: [...new Set([...(spec.tags ?? []), ...t.tags])],
    when,
    become: t.become ?? spec.become,
    becomeUser: t.becomeUser ?? spec.becomeUser,
    becomeMethod: t.becomeMethod ?? spec.becomeMethod,
    delegateTo: t.delegateTo ?? spec.delegateTo,
    block: ref,
    origin: t,
  };
}
