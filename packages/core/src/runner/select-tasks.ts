import { TsplayError } from '../errors.js';
import type { Playbook, Task } from '../playbook.js';

const SPECIAL = new Set(['all', 'always', 'never', 'tagged', 'untagged']);

/**
 * Tag selection as in Ansible: `--tags` keeps tasks with any listed tag (`all` = every task but `never`
 * ones, `tagged`/`untagged`), `--skip-tags` drops them; `always` runs unless skipped by name; `never` runs
 * only when one of its tags (or `never`) is asked for.
 */
export function taskSelected(t: Task, tags: readonly string[] | undefined, skipTags: readonly string[] | undefined): boolean {
  const skip = skipTags ?? [];
  if (skip.some((s) => t.tags.includes(s) || (s === 'tagged' && t.tags.length > 0) || (s === 'untagged' && t.tags.length === 0)))
    return false;
  const asked = tags && tags.length > 0 ? tags : undefined;
  if (t.tags.includes('never')) return asked !== undefined && asked.some((s) => t.tags.includes(s));
  if (t.tags.includes('always')) return true;
  if (!asked || asked.includes('all')) return true;
  if (asked.includes('tagged') && t.tags.length > 0) return true;
  if (asked.includes('untagged') && t.tags.length === 0) return true;
  return asked.some((s) => t.tags.includes(s));
}

/** Every tag of the playbook's tasks, sorted. */
export function playbookTags(pb: Playbook): string[] {
  return [...new Set(pb.plays.flatMap((p) => p.tasks.flatMap((t) => t.tags)))].sort();
}

/** `--tags`/`--skip-tags` naming a tag that no task has is a mistake, not a silent no-op. */
export function validateTags(pb: Playbook, tags: readonly string[] | undefined, skipTags: readonly string[] | undefined): void {
  const known = new Set(playbookTags(pb));
  for (const [flag, list] of [
    ['--tags', tags],
    ['--skip-tags', skipTags],
  ] as const) {
    const bad = (list ?? []).filter((t) => !known.has(t) && !SPECIAL.has(t));
    if (bad.length === 0) continue;
    throw new TsplayError('UNKNOWN_TAG', `${flag} names ${bad.map((b) => `"${b}"`).join(', ')}, which no task of playbook ${pb.name} has`, {
      field: flag,
      hint: known.size
        ? `the playbook's tags: ${[...known].join(', ')} (and all, always, never, tagged, untagged)`
        : 'the playbook has no tags; leave the flag out',
    });
  }
}
