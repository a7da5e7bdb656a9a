/**
 * e2e/secrets-vault/vault.test.ts: two Secret vars that arrive only through `-e @file`, one from an
 * Ansible Vault file (ansible-vault 1.2) and one from an age file, each copied to a 0600 file.
 */
import { definePlaybook, isSecret, type Secret } from '@tsplay/core';
import { copy, file } from '@tsplay/modules';
import { z } from 'zod';

export const VAULT_DIR = '/tmp/tsplay-e2e-vault';

const secretString = z.custom<Secret<string>>((v) => isSecret(v) && typeof v.reveal() === 'string', {
  message: 'must be a Secret<string> (decrypted from vault or age)',
});

export default definePlaybook({
  name: 'vault-copy',
  vars: z.object({ dbPassword: secretString, apiKey: secretString }),
  plays: ({ task }) => [
    {
      name: 'secrets from vault and age',
      hosts: 'all',
      become: true,
      tasks: [
        task(file, { path: VAULT_DIR, state: 'directory', mode: '0700' }, { name: 'secret dir' }),
        task(copy, (ctx) => ({ dest: `${VAULT_DIR}/db`, content: ctx.vars.dbPassword, mode: '0600' }), { name: 'vault value to a file' }),
        task(copy, (ctx) => ({ dest: `${VAULT_DIR}/api`, content: ctx.vars.apiKey, mode: '0600' }), { name: 'age value to a file' }),
      ],
    },
  ],
});
