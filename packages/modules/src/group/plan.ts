import { argv, type FactValues, type Plan } from '../kit/index.js';
import { groupKey, predictAccount, type GroupEntry } from '../common/accounts.js';
import type { GroupOptions } from './args.js';
import type { GroupFacts } from './facts.js';

export interface GroupPlanData {
  command: string;
}

const text = (e: GroupEntry): string => (e.exists ? `group: present\ngid: ${e.gid ?? '(next free)'}` : 'group: absent');

/** Pure: the groupadd/groupmod/groupdel command that makes the group as wanted, if any. */
export function planGroup(facts: FactValues<GroupFacts>, a: GroupOptions): Plan<GroupPlanData> {
  const g = facts.group;
  let command = '';
  let summary = '';
  let after: GroupEntry = g;
  if (a.state === 'absent') {
    if (g.exists) [command, summary, after] = [argv(['groupdel', a.name]), `would remove group ${a.name}`, { exists: false }];
  } else if (!g.exists) {
    command = argv(['groupadd', ...(a.system ? ['--system'] : []), ...(a.gid !== undefined ? ['--gid', String(a.gid)] : []), a.name]);
    summary = `would create group ${a.name}${a.gid !== undefined ? ` (gid ${a.gid})` : ''}`;
    after = { exists: true, gid: a.gid, members: [] };
  } else if (a.gid !== undefined && g.gid !== a.gid) {
    command = argv(['groupmod', '--gid', String(a.gid), a.name]);
    summary = `would change the gid of group ${a.name} ${g.gid ?? '?'} -> ${a.gid}`;
    after = { ...g, gid: a.gid };
  }
  if (!command) return { changed: false, summary: `group ${a.name} is ${a.state}` };
  return {
    changed: true,
    summary,
    diff: [{ path: `group ${a.name}`, before: text(g), after: text(after) }],
    predict: { paths: { [groupKey(a.name)]: predictAccount(after) } },
    data: { command },
  };
}
