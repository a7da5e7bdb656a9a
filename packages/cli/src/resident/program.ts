import type { ResidentProgram } from '@tsplay/ssh/resident';
import { persistSeconds } from '@tsplay/ssh/resident';
import { resetRunState } from '../connect.js';
import { INTERRUPT_NOTICE, parseRunFast, runArgv } from '../argv.js';
import { freshLoads } from '../loader.js';
import { residentRefusal } from './client.js';

/**
 * What the resident runner executes for each hosted run, inside the daemon (its env, cwd and streams already
 * the client's): `tsplay run|check ARGV` exactly as the bin would, with a fresh load of the playbook and
 * inventory, the run's own notices and connect limit, and the client's Ctrl-C (the first stops the run after
 * the tasks in flight; the second quits the client, and its going away stops the run as well).
 */
export function residentProgram(): ResidentProgram {
  return async (argv, io) => {
    const a = parseRunFast(argv);
    const refused = a ? residentRefusal(argv, a, process.env, persistSeconds(a.persist)) : 'not a plain run or check';
    if (refused) {
      process.stderr.write(`tsplay: the resident runner cannot host this run: ${refused}\n`);
      return 1;
    }
    resetRunState();
    freshLoads();
    const ac = new AbortController();
    io.onSignal(() => {
      if (ac.signal.aborted) return;
      process.stderr.write(INTERRUPT_NOTICE);
      ac.abort();
    });
    io.onLost(() => ac.abort());
    return runArgv(argv, ac.signal, a);
  };
}
