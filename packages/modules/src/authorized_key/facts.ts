import { userFact } from '../common/accounts.js';
import { textFileFacts } from '../kit/index.js';
import { keysPath, type AuthorizedKeyOptions } from './args.js';

export function authorizedKeyFacts(a: AuthorizedKeyOptions, become: boolean | string) {
  return { ...textFileFacts(keysPath(a), become), account: userFact(a.user) };
}
export type AuthorizedKeyFacts = ReturnType<typeof authorizedKeyFacts>;
