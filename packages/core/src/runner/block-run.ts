import type { TaskOutcome } from '../playbook.js';
import type { HostRun } from './host-run.js';
import type { PlannedPlay, PlannedTask } from './plan-types.js';

/**
 * Which live hosts run a task of a block: the block's own tasks run where the block has not failed;
 * rescue runs where it failed (and, in check mode, is unknown where the block's outcome is unknown);
 * always runs everywhere. A task outside blocks runs on every live host.
 */
export function blockHosts(pt: PlannedTask, live: readonly HostRun[]): { run: HostRun[]; unknown: HostRun[] } {
  const b = pt.task.block;
  if (!b || b.part === 'always') return { run: [...live], unknown: [] };
  const state = (r: HostRun) => r.blocks.get(b.id);
  if (b.part === 'block') return { run: live.filter((r) => state(r) !== 'block' && state(r) !== 'rescue'), unknown: [] };
  return { run: live.filter((r) => state(r) === 'block'), unknown: live.filter((r) => state(r) === 'unknown') };
}

/**
 * A task's outcome as its block sees it. A failure (not ignored) in the block or its rescue is kept on
 * the block, and the host fails only when the block ends (after always); true means the failure is
 * held by a block with a rescue, so the recap does not count it as failed (Ansible's recap does not).
 */
export function noteBlockOutcome(run: HostRun, pt: PlannedTask, o: TaskOutcome): { held: boolean; uncounted: boolean } {
  const b = pt.task.block;
  if (!b || b.part === 'always') return { held: false, uncounted: false };
  if (o.status === 'unknown' && b.part === 'block' && !run.blocks.has(b.id)) run.blocks.set(b.id, 'unknown');
  if (o.status !== 'failed' || pt.task.ignoreErrors) return { held: false, uncounted: false };
  run.blocks.set(b.id, b.part);
  return { held: true, uncounted: b.part === 'block' && b.hasRescue };
}

/** After the last task of a block: a rescued host counts `rescued`; one whose block (or rescue) failed now fails. */
export function settleBlocks(play: PlannedPlay, index: number, runs: readonly HostRun[]): void {
  const b = play.tasks[index]?.task.block;
  if (!b || play.tasks[index + 1]?.task.block?.id === b.id) return;
  for (const r of runs) {
    const state = r.blocks.get(b.id);
    r.blocks.delete(b.id);
    if (state === 'block' && b.hasRescue) r.recap.rescued += 1;
    else if (state === 'block' || state === 'rescue') r.failed = true;
  }
}
