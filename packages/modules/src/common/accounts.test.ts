import { expect, it } from 'vitest';
import { factTable } from '../kit/harness.js';
import { groupFact, userFact } from './accounts.js';

factTable(
  groupFact('etcd'),
  [
    {
      name: 'a group with members',
      result: { stdout: 'etcd:x:998:alice,bob\n' },
      value: { exists: true, gid: 998, members: ['alice', 'bob'] },
    },
    { name: 'a group without members', result: { stdout: 'etcd:x:998:\n' }, value: { exists: true, gid: 998, members: [] } },
    { name: 'no group', result: { stdout: '', code: 0 }, value: { exists: false } },
  ],
  { it, expect },
);

factTable(
  userFact('alice'),
  [
    {
      name: 'a user with supplementary groups',
      result: { stdout: 'alice:x:1001:1001:Alice A:/home/alice:/bin/bash\nG alice\nS alice sudo adm\n' },
      value: {
        exists: true,
        uid: 1001,
        gid: 1001,
        group: 'alice',
        groups: ['adm', 'sudo'],
        comment: 'Alice A',
        home: '/home/alice',
        shell: '/bin/bash',
      },
    },
    { name: 'no user', result: { stdout: '' }, value: { exists: false } },
  ],
  { it, expect },
);
