import type { Inventory } from '../inventory/schema.js';
import type { Playbook } from '../playbook.js';
import type { ExecuteRunOptions } from './env.js';
import { executeRun } from './execute-run.js';
import { planRun, type PlanOptions } from './plan.js';
import type { RunSummary } from './summary.js';

/** A whole run's options: what `planRun` decides from, plus how `executeRun` does the I/O. */
export interface RunOptions extends PlanOptions, ExecuteRunOptions {
  playbook: Playbook;
  inventory: Inventory;
}

/** Plan (pure, before any connection: every input error is reported here), then execute. */
export async function runPlaybook(opts: RunOptions): Promise<RunSummary> {
  const plan = planRun(opts.playbook, opts.inventory, opts);
  return executeRun(plan, opts);
}

export type ListWhat = 'hosts' | 'tasks' | 'tags';

/** `--list-hosts`, `--list-tasks`, `--list-tags`: the text to print, from the plan; contacts no host. */
export function listRun(opts: PlanOptions & { playbook: Playbook; inventory: Inventory }, what: ListWhat): string {
  const plan = planRun(opts.playbook, opts.inventory, opts);
  const lines: string[] = [`playbook: ${plan.playbook}`];
  for (const play of plan.plays) {
    lines.push(`  play: ${play.name}`);
    const tasks = play.tasks.filter((t) => t.selected);
    if (what === 'hosts') {
      lines.push(`    hosts (${play.hosts.length}):`);
      play.batches.forEach((b, i) =>
        lines.push(
          ...(play.batches.length > 1 ? [`      batch ${i + 1}:`] : []),
          ...b.map((h) => `      ${play.batches.length > 1 ? '  ' : ''}${h}`),
        ),
      );
    }
    if (what === 'tasks')
      lines.push(
        '    tasks:',
        ...tasks.map(
          (t) =>
            `      ${t.name}${t.task.block ? `  [block ${t.task.block.name}: ${t.task.block.part}]` : ''}${t.task.tags.length ? `  tags: [${t.task.tags.join(', ')}]` : ''}`,
        ),
      );
    if (what === 'tags') lines.push(`    tags: [${[...new Set(tasks.flatMap((t) => t.task.tags))].sort().join(', ')}]`);
  }
  return lines.join('\n');
}
