import { definePlaybook, task } from '@tsplay/core';
import { command } from '@tsplay/modules';

/** Reach every host, check sudo works, and show who and where we are. */
export default definePlaybook({
  name: 'ping',
  plays: [
    {
      name: 'ping',
      hosts: 'all',
      tasks: [
        task(command, { argv: ['hostname', '-s'], readOnly: true }, { name: 'hostname' }),
        task(command, { argv: ['id', '-un'], readOnly: true }, { name: 'sudo works', become: true }),
      ],
    },
  ],
});
