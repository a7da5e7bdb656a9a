import { argv, type FactValues, type PathState, type Plan } from '../kit/index.js';
import { groupKey, predictAccount, userKey, type UserEntry } from '../common/accounts.js';
import { createsHome, homeOf, type UserOptions } from './args.js';
import type { UserFacts } from './facts.js';

export interface UserPlanData {
  command: string;
}

const text = (u: UserEntry): string =>
  u.exists
    ? [
        `user: present`,
        `uid: ${u.uid ?? '(next free)'}`,
        `group: ${u.group ?? '?'}`,
        `groups: ${(u.groups ?? []).join(',')}`,
        `home: ${u.home ?? '?'}`,
        `shell: ${u.shell ?? '(default)'}`,
        `comment: ${u.comment ?? ''}`,
      ].join('\n')
    : 'user: absent';

function create(a: UserOptions, primaryExists: boolean): { command: string; after: UserEntry } {
  const flags = [
    ...(a.system ? ['--system'] : []),
    ...(a.uid !== undefined ? ['--uid', String(a.uid)] : []),
    ...(a.group !== undefined || primaryExists ? ['--gid', a.group ?? a.name] : ['--user-group']),
    ...(a.groups?.length ? ['--groups', a.groups.join(',')] : []),
    '--home-dir',
    homeOf(a),
    ...(createsHome(a) ? ['--create-home'] : ['--no-create-home']),
    ...(a.shell !== undefined ? ['--shell', a.shell] : []),
    ...(a.comment !== undefined ? ['--comment', a.comment] : []),
  ];
  const after: UserEntry = {
    exists: true,
    uid: a.uid,
    group: a.group ?? a.name,
    groups: [...(a.groups ?? [])].sort(),
    home: homeOf(a),
    shell: a.shell,
    comment: a.comment,
  };
  return { command: argv(['useradd', ...flags, a.name]), after };
}

function modify(u: UserEntry, a: UserOptions): { flags: string[]; after: UserEntry } {
  const flags: string[] = [];
  const after: UserEntry = { ...u };
  if (a.uid !== undefined && u.uid !== a.uid) flags.push('--uid', String(a.uid)), (after.uid = a.uid);
  if (a.group !== undefined && u.group !== a.group) flags.push('--gid', a.group), (after.group = a.group);
  if (a.groups !== undefined) {
    const have = new Set(u.groups ?? []);
    const want = a.append ? [...new Set([...have, ...a.groups])].sort() : [...new Set(a.groups)].sort();
    if (want.join() !== [...have].sort().join()) {
      flags.push(...(a.append ? ['--append'] : []), '--groups', (a.append ? a.groups.filter((g) => !have.has(g)) : want).join(','));
      after.groups = want;
    }
  }
  if (a.home !== undefined && u.home !== a.home) flags.push('--home', a.home), (after.home = a.home);
  if (a.shell !== undefined && u.shell !== a.shell) flags.push('--shell', a.shell), (after.shell = a.shell);
  if (a.comment !== undefined && u.comment !== a.comment) flags.push('--comment', a.comment), (after.comment = a.comment);
  return { flags, after };
}

/** Pure: the useradd/usermod/userdel command that makes the account as wanted, and what it predicts. */
export function planUser(facts: FactValues<UserFacts>, a: UserOptions): Plan<UserPlanData> {
  const u = facts.user;
  const paths: Record<string, PathState> = {};
  let command = '';
  let summary = '';
  let after: UserEntry = u;
  if (a.state === 'absent') {
    if (u.exists) {
      [command, summary, after] = [
        argv(['userdel', ...(a.remove ? ['--remove'] : []), a.name]),
        `would remove user ${a.name}${a.remove ? ' and its home' : ''}`,
        { exists: false },
      ];
      if (a.remove && u.home) paths[u.home] = { exists: false };
    }
  } else if (!u.exists) {
    ({ command, after } = create(a, facts.primary.exists));
    summary = `would create user ${a.name}`;
    if (a.group === undefined && !facts.primary.exists) paths[groupKey(a.name)] = predictAccount({ exists: true, members: [] });
    if (createsHome(a) && !facts.home.exists)
      paths[homeOf(a)] = { exists: true, type: 'dir', mode: facts.defs.mode, owner: a.name, group: a.group ?? a.name };
  } else {
    const m = modify(u, a);
    if (m.flags.length)
      [command, summary, after] = [
        argv(['usermod', ...m.flags, a.name]),
        `would change user ${a.name}: ${m.flags
          .filter((f) => f.startsWith('--'))
          .map((f) => f.slice(2))
          .join(', ')}`,
        m.after,
      ];
  }
  if (!command) return { changed: false, summary: `user ${a.name} is ${a.state}` };
  return {
    changed: true,
    summary,
    diff: [{ path: `user ${a.name}`, before: text(u), after: text(after) }],
    predict: { paths: { ...paths, [userKey(a.name)]: predictAccount(after) } },
    data: { command },
  };
}
