/**
 * A run that stays connected until the test says so (e2e/security.test.ts inspects the listening
 * sockets meanwhile): each host waits until `/tmp/tsplay-e2e-hold/release` exists (at most 60 s).
 */
import { definePlaybook, task } from '@tsplay/core';
import { command, file } from '@tsplay/modules';
import { HOLD_DIR } from './constants.js';

export default definePlaybook({
  name: 'hold',
  plays: [
    {
      name: 'hold',
      hosts: 'controllers',
      tasks: [
        task(file, { path: HOLD_DIR, state: 'directory' }, { name: 'hold dir' }),
        task(
          command,
          { cmd: `i=0; while [ ! -e ${HOLD_DIR}/release ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; test -e ${HOLD_DIR}/release` },
          { name: 'wait for release' },
        ),
      ],
    },
  ],
});
