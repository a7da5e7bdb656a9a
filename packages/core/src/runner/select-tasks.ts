import type { Task } from '../playbook.js';

/** Tag selection as in Ansible: `--tags` keeps tasks with any listed tag (`all` = every task), `--skip-tags` drops them. */
export function taskSelected(t: Task, tags: readonly string[] | undefined, skipTags: readonly string[] | undefined): boolean {
  if (t.tags.includes('always')) return !(skipTags ?? []).includes('always');
  if (skipTags?.some((s) => t.tags.includes(s))) return false;
  if (!tags || tags.length === 0 || tags.includes('all')) return true;
  return tags.some((s) => t.tags.includes(s));
}
