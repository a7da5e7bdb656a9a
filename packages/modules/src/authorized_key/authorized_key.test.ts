import { describe, expect, it } from 'vitest';
import { planTable } from '../kit/harness.js';
import { textFacts } from '../testing/text-facts.js';
import { authorizedKeyArgsSchema } from './args.js';
import { authorizedKey } from './index.js';
import { editKeys } from './plan.js';

const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne alice@ws';
const K2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITwo bob@ws';
const edit = (text: string | undefined, a: Record<string, unknown>) =>
  editKeys(text, authorizedKeyArgsSchema.parse({ user: 'alice', key: K1, ...a }));
const alice = { exists: true, uid: 1001, gid: 1001, group: 'alice', groups: [], home: '/home/alice', shell: '/bin/sh' };

describe('authorized_keys edits (pure)', () => {
  it.each([
    ['adds a key', `${K2}\n`, {}, `${K2}\n${K1}\n`],
    ['keeps a present key', `${K1}\n${K2}\n`, {}, `${K1}\n${K2}\n`],
    ['replaces the same key with other options or comment', `from="10.0.0.1" ${K1.replace('alice@ws', 'old')}\n`, {}, `${K1}\n`],
    ['removes a key', `${K1}\n${K2}\n`, { state: 'absent' }, `${K2}\n`],
    ['exclusive keeps only this key', `${K2}\n${K1}\n`, { exclusive: true }, `${K1}\n`],
    ['creates the file', undefined, {}, `${K1}\n`],
  ])('%s', (_n, text, a, want) => expect(edit(text, a)).toBe(want));
});

const P = '/home/alice/.ssh/authorized_keys';
planTable(
  authorizedKey,
  [
    {
      name: 'a missing ~/.ssh is created 0700 and the file 0600, owned by the user',
      args: { user: 'alice', key: K1 },
      facts: { ...textFacts(undefined), parent: { exists: false }, account: alice },
      plan: {
        changed: true,
        summary: `would create /home/alice/.ssh (mode 0700); would create ${P} from key alice@ws (50 bytes, mode 0600)`,
        predict: {
          paths: {
            '/home/alice/.ssh': { exists: true, type: 'dir', mode: 0o700, owner: 'alice', group: 'alice' },
            [P]: { exists: true, mode: 0o600, owner: 'alice', group: 'alice', size: 50 },
          },
        },
      },
    },
    {
      name: 'a present key is unchanged',
      args: { user: 'alice', key: K1 },
      facts: { ...textFacts(`${K1}\n`, { mode: 0o600, owner: 'alice', group: 'alice' }), account: alice },
      plan: { changed: false },
    },
    {
      name: 'a wrong mode is repaired without rewriting',
      args: { user: 'alice', key: K1 },
      facts: { ...textFacts(`${K1}\n`, { mode: 0o644, owner: 'alice', group: 'alice' }), account: alice },
      plan: { changed: true, summary: `${P}: mode 0644 -> 0600` },
    },
    {
      name: 'a missing user is an error naming user',
      args: { user: 'alice', key: K1 },
      facts: { ...textFacts(undefined), account: { exists: false } },
      error: { code: 'USER_MISSING', field: 'user' },
    },
    { name: 'not a key is an args error naming key', args: { user: 'alice', key: 'hello' }, error: { code: 'ARGS_INVALID', field: 'key' } },
  ],
  { it, expect },
);
