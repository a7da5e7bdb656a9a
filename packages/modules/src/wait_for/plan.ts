import { quote, sh, type Plan } from '../kit/index.js';
import type { WaitForOptions } from './args.js';

export interface WaitForPlanData {
  /** Exit 0 when the condition holds. */
  check: string;
  what: string;
}

/** The condition as one shell test (exit 0 = reached). bash's /dev/tcp opens the port. */
export function conditionScript(a: WaitForOptions): { check: string; what: string } {
  if (a.port !== undefined) {
    const open = `bash -c ${quote(sh`exec 3<>/dev/tcp/${a.host}/${String(a.port)}`)} 2>/dev/null`;
    return a.state === 'stopped'
      ? { check: `! ${open}`, what: `port ${a.host}:${a.port} to close` }
      : { check: open, what: `port ${a.host}:${a.port} to open` };
  }
  const path = a.path as string;
  if (a.state === 'absent') return { check: sh`! [ -e ${path} ]`, what: `${path} to be gone` };
  if (a.regex !== undefined) return { check: sh`grep -Eq -- ${a.regex} ${path} 2>/dev/null`, what: `/${a.regex}/ in ${path}` };
  return { check: sh`[ -e ${path} ]`, what: `${path} to exist` };
}

/** Pure: waiting changes nothing; apply (also in check mode) polls the condition. */
export function planWaitFor(a: WaitForOptions): Plan<WaitForPlanData> {
  const c = conditionScript(a);
  return { changed: false, run: true, summary: `wait for ${c.what}`, data: c };
}
