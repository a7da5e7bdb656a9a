/**
 * e2e/become/password.test.ts: a play that becomes root as a user whose sudo asks for a password.
 * The files it leaves (owned by root, in a root-only directory) prove the become worked.
 */
import { definePlaybook } from '@tsplay/core';
import { command, copy, file } from '@tsplay/modules';

export const BECOME_DIR = '/root/tsplay-e2e-become';

export default definePlaybook({
  name: 'become-with-password',
  plays: ({ task }) => [
    {
      name: 'as root through sudo with a password',
      hosts: 'all',
      become: true,
      tasks: [
        task(file, { path: BECOME_DIR, state: 'directory', mode: '0700' }, { name: 'root-only dir' }),
        task(copy, { dest: `${BECOME_DIR}/proof`, content: 'written as root\n', mode: '0640' }, { name: 'a file as root' }),
        // long enough for the test's `ps` poll to see the become'd command line
        task(command, { cmd: `sleep 1.5; id -u > ${BECOME_DIR}/uid` }, { name: 'who am i' }),
      ],
    },
  ],
});
