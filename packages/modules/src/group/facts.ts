import { groupFact } from '../common/accounts.js';
import type { GroupOptions } from './args.js';

export const groupFacts = (a: GroupOptions) => ({ group: groupFact(a.name) });
export type GroupFacts = ReturnType<typeof groupFacts>;
