import { expect, it } from 'vitest';
import { planTable } from '../kit/harness.js';
import { group } from './index.js';

planTable(
  group,
  [
    {
      name: 'an existing group is unchanged',
      args: { name: 'etcd' },
      facts: { group: { exists: true, gid: 998, members: [] } },
      plan: { changed: false, summary: 'group etcd is present' },
    },
    {
      name: 'a missing group is created with its gid, and predicted',
      args: { name: 'etcd', gid: 1500, system: true },
      facts: { group: { exists: false } },
      plan: {
        changed: true,
        data: { command: 'groupadd --system --gid 1500 etcd' },
        predict: { paths: { 'tsplay:group/etcd': { exists: true, type: 'other' } } },
      },
    },
    {
      name: 'a wrong gid is changed',
      args: { name: 'etcd', gid: 1500 },
      facts: { group: { exists: true, gid: 998, members: [] } },
      plan: { changed: true, data: { command: 'groupmod --gid 1500 etcd' } },
    },
    {
      name: 'absent removes',
      args: { name: 'etcd', state: 'absent' },
      facts: { group: { exists: true, gid: 998 } },
      plan: { changed: true, data: { command: 'groupdel etcd' } },
    },
    {
      name: 'absent on a missing group is unchanged',
      args: { name: 'etcd', state: 'absent' },
      facts: { group: { exists: false } },
      plan: { changed: false },
    },
    { name: 'a name with a space is an args error', args: { name: 'a b' }, error: { code: 'ARGS_INVALID', field: 'name' } },
  ],
  { it, expect },
);
