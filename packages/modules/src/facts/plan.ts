import type { Plan } from '../kit/index.js';
import type { HostFacts } from './parse.js';

/** Pure: gathering changes nothing; the facts are the task's result. */
export function planFacts(f: HostFacts): Plan<HostFacts> {
  return {
    changed: false,
    summary: `${f.distribution.prettyName || f.os} ${f.kernel} ${f.architecture}, ${f.cpus} CPUs, ${Math.round(f.memory.totalBytes / 2 ** 20)} MiB`,
    data: f,
  };
}
