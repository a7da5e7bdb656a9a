/**
 * e2e/become/su-doas.test.ts: becomeMethod and becomeUser per play and per task. The play becomes
 * root with doas (the host's default is sudo); one task becomes `nobody` with sudo. The owners of
 * the files, and the command lines `ps` sees on the host, prove which method ran each task.
 */
import { definePlaybook } from '@tsplay/core';
import { command, file } from '@tsplay/modules';

export const METHOD_DIR = '/root/tsplay-e2e-method';
export const NOBODY_FILE = '/tmp/tsplay-e2e-method-nobody';

export default definePlaybook({
  name: 'become-method-per-play-and-task',
  plays: ({ task }) => [
    {
      name: 'doas for the play, sudo as nobody for one task',
      hosts: 'all',
      become: true,
      becomeMethod: 'doas',
      tasks: [
        task(file, { path: METHOD_DIR, state: 'directory', mode: '0700' }, { name: 'root-only dir' }),
        // long enough for the test's `ps` poll to see the doas command line
        task(command, { cmd: `sleep 1.5; id -u > ${METHOD_DIR}/uid` }, { name: 'who am i' }),
        task(command, { cmd: `id -un > ${NOBODY_FILE}` }, { name: 'as nobody', becomeMethod: 'sudo', becomeUser: 'nobody' }),
      ],
    },
  ],
});
