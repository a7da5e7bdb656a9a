import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { RUN_OPTIONS } from './commands/run-options.js';
import { PERSIST_DAEMON_COMMAND, runArgsFrom, type RunArgs } from './commands/run-args.js';

/**
 * `tsplay run|check PLAYBOOK ...` parsed without yargs. Returns undefined whenever the command
 * line is anything but a plain, valid run (help, unknown flag, bad number...), and yargs then
 * parses it and reports usage errors as usual.
 */
export function parseRunFast(argv: readonly string[]): RunArgs | undefined {
  const [cmd, ...rest] = argv;
  if (cmd !== 'run' && cmd !== 'check') return undefined;
  if (rest.some((a) => a === '--help' || a === '-h' || a === '--version')) return undefined;
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of RUN_OPTIONS) {
    options[o.name] = {
      type: o.type === 'boolean' ? 'boolean' : 'string',
      ...(o.alias ? { short: o.alias } : {}),
      ...(o.array ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...rest], options, allowPositionals: true, allowNegative: true, strict: true });
  } catch {
    return undefined;
  }
  const v = parsed.values as Record<string, unknown>;
  if (parsed.positionals.length !== 1 || typeof v.inventory !== 'string') return undefined;
  const forks = v.forks === undefined ? 10 : Number(v.forks);
  if (!Number.isInteger(forks) || forks < 1) return undefined;
  return runArgsFrom(v, parsed.positionals[0] as string, cmd === 'check');
}

const version = (): string => (createRequire(import.meta.url)('../package.json') as { version: string }).version;

async function reportError(e: unknown, verbose: boolean): Promise<number> {
  const [{ formatError, toTsplayError }, { redact }] = await Promise.all([import('@tsplay/core/engine'), import('@tsplay/core')]);
  const usage = (e as { usage?: boolean }).usage === true;
  const err = toTsplayError(e, usage ? 'USAGE' : 'INTERNAL');
  const text = formatError(usage ? Object.assign(err, { hint: 'see tsplay --help' }) : err, { verbose });
  process.stderr.write(`${redact(text)}\n`);
  return err.code === 'INTERRUPTED' ? 130 : 1;
}

async function yargsMain(argv: string[], run: (a: RunArgs) => Promise<void>, setCode: (c: number) => void): Promise<void> {
  const [
    { default: yargs },
    { runCommandModule },
    { inventoryCommandModule },
    { checkTypesCommandModule },
    { extraCommands },
    { labCommand },
    { execCommandModule },
    { initCommandModule },
  ] = await Promise.all([
    import('yargs'),
    import('./commands/run.js'),
    import('./commands/inventory.js'),
    import('./commands/check-types.js'),
    import('./commands/extra.js'),
    import('./commands/lab.js'),
    import('./commands/exec.js'),
    import('./commands/init.js'),
  ]);
  await yargs(argv)
    .scriptName('tsplay')
    .version(version())
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'more output; stack traces on errors' })
    .command(runCommandModule(run, false))
    .command(runCommandModule(run, true))
    .command(inventoryCommandModule((s) => process.stdout.write(`${s}\n`)))
    .command(checkTypesCommandModule(setCode))
    .command(execCommandModule(setCode))
    .command(initCommandModule)
    .command(extraCommands(setCode))
    .command(labCommand)
    .command((await import('./commands/secrets.js')).secretsCommandModule)
    .demandCommand(1, 'give a command: init, run, check, exec, inventory, check-types, modules, lab (see --help)')
    .strict()
    .fail((msg, err) => {
      if (err) throw err;
      throw Object.assign(new Error(msg), { usage: true });
    })
    .help()
    .parseAsync();
}

/**
 * The `tsplay` CLI; sets the process exit code (DESIGN §5). Only node built-ins and the option table
 * are loaded up front: `--version` answers at once, `run`/`check` load the engine but never yargs, zx
 * or the lab, and every other command loads yargs and its own module when asked for.
 */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] === PERSIST_DAEMON_COMMAND) return (await import('@tsplay/ssh')).runPersistDaemon();
  if (argv.length === 1 && argv[0] === '--version') return void process.stdout.write(`${version()}\n`);
  // `tsplay ... --json | head`: a closed pipe ends the output quietly, like any Unix tool.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  let exitCode = 0;
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupt: finishing the tasks in flight (Ctrl-C again to quit now)\n');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const run = async (a: RunArgs) => {
    exitCode = await (await import('./commands/run.js')).runCommand(a, ac.signal);
  };
  try {
    const fast = parseRunFast(argv);
    if (fast) await run(fast);
    else await yargsMain(argv, run, (c) => (exitCode = c));
  } catch (e) {
    exitCode = await reportError(e, verbose);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    process.exitCode = exitCode;
  }
}
