import type { z } from 'zod';

/** `path.to.field: message; other: message` — zod issues named by path. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return sortIssues(issues)
    .slice(0, 5)
    .map((i) => `${issueField(i) ?? '(root)'}: ${i.message}`)
    .join('; ');
}

/** The dotted path an issue is about; for an unknown key, the key itself (`hosts.a.adress`). */
export function issueField(i: z.core.$ZodIssue | undefined): string | undefined {
  if (!i) return undefined;
  const path = i.code === 'unrecognized_keys' && i.keys[0] !== undefined ? [...i.path, i.keys[0]] : i.path;
  return path.length ? path.map(String).join('.') : undefined;
}

/** Unknown keys first: a misspelt key (`destination`) explains the missing one (`dest`). */
export function sortIssues(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return [...issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
}
