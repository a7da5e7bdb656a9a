// The command line to an exit code: the fast `run`/`check` parser, yargs for the rest, coded errors on stderr.
// Shared by the bin (fast.ts) and the resident runner (resident/program.ts).
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { RUN_OPTIONS } from './commands/run-options.js';
import { runArgsFrom, type RunArgs } from './commands/run-args.js';

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

export const version = (): string => (createRequire(import.meta.url)('../package.json') as { version: string }).version;

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

export const INTERRUPT_NOTICE = '\ninterrupt: finishing the tasks in flight (Ctrl-C again to quit now)\n';

/** One command line to its exit code (errors reported on stderr); `signal` stops a run after the tasks in flight. */
export async function runArgv(argv: string[], signal: AbortSignal, fast = parseRunFast(argv)): Promise<number> {
  let exitCode = 0;
  const run = async (a: RunArgs) => {
    exitCode = await (await import('./commands/run.js')).runCommand(a, signal);
  };
  try {
    if (fast) await run(fast);
    else await yargsMain(argv, run, (c) => (exitCode = c));
  } catch (e) {
    exitCode = await reportError(e, argv.includes('-v') || argv.includes('--verbose'));
  }
  return exitCode;
}
