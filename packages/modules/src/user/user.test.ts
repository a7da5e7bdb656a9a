import { describe, expect, it } from 'vitest';
import { planTable } from '../kit/harness.js';
import { parseLoginDefs } from './facts.js';
import { user } from './index.js';

const absent = { user: { exists: false }, home: { exists: false }, defs: { mode: 0o700 }, primary: { exists: false } };
const alice = { exists: true, uid: 1001, gid: 1001, group: 'alice', groups: ['adm'], comment: '', home: '/home/alice', shell: '/bin/sh' };

describe('login.defs', () => {
  it('takes HOME_MODE, else the umask', () => {
    expect(parseLoginDefs('UMASK 022\nHOME_MODE 0700\n')).toEqual({ mode: 0o700 });
    expect(parseLoginDefs('UMASK\t027\n')).toEqual({ mode: 0o750 });
    expect(parseLoginDefs('')).toEqual({ mode: 0o755 });
  });
});

planTable(
  user,
  [
    {
      name: 'a new user with its own group, groups, shell and home (predicted exactly)',
      args: { name: 'alice', groups: ['sudo', 'adm'], shell: '/bin/bash' },
      facts: absent,
      plan: {
        changed: true,
        data: { command: 'useradd --user-group --groups sudo,adm --home-dir /home/alice --create-home --shell /bin/bash alice' },
        predict: {
          paths: {
            '/home/alice': { exists: true, type: 'dir', mode: 0o700, owner: 'alice', group: 'alice' },
            'tsplay:group/alice': { exists: true },
          },
        },
      },
    },
    {
      name: 'a new user joins an existing group of its name',
      args: { name: 'alice', system: true },
      facts: { ...absent, primary: { exists: true, gid: 5 } },
      plan: { changed: true, data: { command: 'useradd --system --gid alice --home-dir /home/alice --no-create-home alice' } },
    },
    {
      name: 'an account as described is unchanged',
      args: { name: 'alice', groups: ['adm'], shell: '/bin/sh' },
      facts: { ...absent, user: alice, primary: { exists: true } },
      plan: { changed: false },
    },
    {
      name: 'append adds only the missing groups',
      args: { name: 'alice', groups: ['sudo'], append: true },
      facts: { ...absent, user: alice, primary: { exists: true } },
      plan: { changed: true, data: { command: 'usermod --append --groups sudo alice' } },
    },
    {
      name: 'shell and comment drift is repaired',
      args: { name: 'alice', shell: '/bin/bash', comment: 'Alice' },
      facts: { ...absent, user: alice, primary: { exists: true } },
      plan: {
        changed: true,
        summary: 'would change user alice: shell, comment',
        data: { command: 'usermod --shell /bin/bash --comment Alice alice' },
      },
    },
    {
      name: 'absent with remove',
      args: { name: 'alice', state: 'absent', remove: true },
      facts: { ...absent, user: alice },
      plan: { changed: true, data: { command: 'userdel --remove alice' }, predict: { paths: { '/home/alice': { exists: false } } } },
    },
    {
      name: 'a comment with a colon is an args error',
      args: { name: 'alice', comment: 'a:b' },
      error: { code: 'ARGS_INVALID', field: 'comment' },
    },
  ],
  { it, expect },
);
