import type { UnarchiveOptions } from './args.js';

/** Targets that an include pattern names exactly once the leading components are stripped ('*\/etcd' -> 'etcd'). */
export function inferTargets(args: UnarchiveOptions): string[] {
  const out: string[] = [];
  for (const p of args.include ?? []) {
    const rest = p.replace(/^\.\//, '').split('/').filter(Boolean).slice(args.stripComponents);
    if (rest.length > 0 && !rest.some((c) => /[*?[\]\\]/.test(c))) out.push(rest.join('/'));
  }
  return [...new Set(out)];
}
