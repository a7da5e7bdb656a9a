import { defineFact, pathFact } from '../kit/index.js';
import { groupFact, userFact } from '../common/accounts.js';
import { homeOf, type UserOptions } from './args.js';

export interface HomeDefaults {
  /** Mode useradd gives a new home (HOME_MODE, else 0777 & ~UMASK). */
  mode: number;
}

/** Parse the HOME_MODE/UMASK lines of /etc/login.defs. Exported for tests. */
export function parseLoginDefs(out: string): HomeDefaults {
  const get = (k: string) => new RegExp(`^\\s*${k}\\s+([0-7]+)`, 'm').exec(out)?.[1];
  const home = get('HOME_MODE');
  if (home) return { mode: parseInt(home, 8) };
  return { mode: 0o777 & ~parseInt(get('UMASK') ?? '022', 8) };
}

export const loginDefs = defineFact({
  module: 'user',
  name: 'login-defs',
  script: () => "grep -E '^[[:space:]]*(HOME_MODE|UMASK)[[:space:]]' /etc/login.defs 2>/dev/null || true",
  parse: (r) => parseLoginDefs(r.stdout),
});

export function userFacts(a: UserOptions) {
  return { user: userFact(a.name), home: pathFact(homeOf(a)), defs: loginDefs(), primary: groupFact(a.group ?? a.name) };
}
export type UserFacts = ReturnType<typeof userFacts>;
