import { defineFact, sh, textFileFacts } from '../kit/index.js';
import type { SysctlOptions } from './args.js';

/** `sysctl -n NAME` with whitespace collapsed; undefined when the key does not exist. */
export const liveSysctl = defineFact({
  module: 'sysctl',
  name: 'live',
  script: (name: string) => sh`sysctl -n -e ${name} 2>/dev/null; echo "rc=$?"`,
  parse: (r) => {
    const lines = r.stdout.split('\n').filter((l) => !l.startsWith('rc='));
    const v = lines.join(' ').trim().split(/\s+/).join(' ');
    return v === '' ? undefined : v;
  },
});

export function sysctlFacts(a: SysctlOptions, become: boolean | string) {
  return { ...textFileFacts(a.file, become), live: liveSysctl(a.name) };
}
export type SysctlFacts = ReturnType<typeof sysctlFacts>;
