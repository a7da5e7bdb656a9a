import { PERSIST_DAEMON_COMMAND, type RunArgs } from './commands/run-args.js';
import { INTERRUPT_NOTICE, parseRunFast, runArgv, version } from './argv.js';
import { type ResidentAttempt, tryResident } from './resident/client.js';

export { parseRunFast } from './argv.js';

/** `run`/`check` through the resident runner when it is on and may host this run; undefined: run it here (why, said under -v). */
async function viaResident(argv: string[], fast: RunArgs | undefined): Promise<number | undefined> {
  if (!fast) return undefined;
  // anything unexpected before the daemon took the run (an unreadable directory...) is a fall-back too
  const r: ResidentAttempt = await tryResident(argv, fast).catch((e: Error) => ({ fallback: e.message }));
  if ('code' in r) return r.code;
  if (fast.verbose) process.stderr.write(`tsplay: resident runner not used: ${r.fallback}\n`);
  return undefined;
}

/**
 * The `tsplay` CLI; sets the process exit code (DESIGN §5). Only node built-ins and the option table
 * are loaded up front: `--version` answers at once, `run`/`check` load the engine but never yargs, zx
 * or the lab, and every other command loads yargs and its own module when asked for. With the resident
 * runner on (docs/warm-start.md), `run`/`check` are handed whole to the per-user daemon when it can host them.
 */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] === PERSIST_DAEMON_COMMAND) return (await import('./resident/daemon.js')).daemonMain();
  if (argv.length === 1 && argv[0] === '--version') return void process.stdout.write(`${version()}\n`);
  // `tsplay ... --json | head`: a closed pipe ends the output quietly, like any Unix tool.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const fast = parseRunFast(argv);
  const hosted = await viaResident(argv, fast);
  if (hosted !== undefined) return void (process.exitCode = hosted);
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write(INTERRUPT_NOTICE);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    process.exitCode = await runArgv(argv, ac.signal, fast);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
