import type { TaskOutcome } from '../playbook.js';

/** A loop's registered result: the items' outcomes and data, the worst status. */
export function aggregate(items: TaskOutcome[]): TaskOutcome {
  const order = ['unreachable', 'failed', 'unknown', 'changed', 'ok', 'skipped'] as const;
  const status = order.find((s) => items.some((o) => o.status === s)) ?? 'skipped';
  const changed = items.some((o) => o.changed);
  return {
    status,
    changed,
    data: items.map((o) => o.data),
    results: items,
    unknown: items.some((o) => o.unknown) || undefined,
    summary: `${items.length} item(s)`,
  };
}
