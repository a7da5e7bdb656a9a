/**
 * e2e/secrets-vault/inventory.test.ts: a Secret that arrives only through a vault-encrypted
 * group_vars file beside the inventory, and a `copy` whose workstation source is age-encrypted.
 */
import { definePlaybook, isSecret, type Secret } from '@tsplay/core';
import { copy, file } from '@tsplay/modules';
import { z } from 'zod';

export const INV_VAULT_DIR = '/tmp/tsplay-e2e-inv-vault';

const secretString = z.custom<Secret<string>>((v) => isSecret(v) && typeof v.reveal() === 'string', {
  message: 'must be a Secret<string> (decrypted from group_vars)',
});

export default definePlaybook({
  name: 'inventory-vault-copy',
  vars: z.object({ groupToken: secretString, ageSource: z.string() }),
  plays: ({ task }) => [
    {
      name: 'secrets from group_vars and an encrypted copy source',
      hosts: 'all',
      become: true,
      tasks: [
        task(file, { path: INV_VAULT_DIR, state: 'directory', mode: '0755' }, { name: 'dir' }),
        task(copy, (ctx) => ({ dest: `${INV_VAULT_DIR}/group`, content: ctx.vars.groupToken, mode: '0600' }), {
          name: 'group_vars value to a file',
        }),
        task(copy, (ctx) => ({ dest: `${INV_VAULT_DIR}/from-age`, src: ctx.vars.ageSource }), { name: 'age-encrypted source to a file' }),
      ],
    },
  ],
});
