import { createRequire } from 'node:module';
import { formatError, redact, toTsplayError, type TsplayError } from '@tsplay/core';
import { runCommand, runCommandModule, type RunArgs } from './commands/run.js';
import { parseRunFast } from './fast.js';

const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** The `tsplay` CLI. Resolves to the process exit code (DESIGN §5). */
export async function main(argv: string[]): Promise<void> {
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
  const runIt = async (a: RunArgs) => {
    exitCode = await runCommand(a, ac.signal);
  };
  try {
    const fast = parseRunFast(argv);
    if (fast) {
      await runIt(fast);
      return;
    }
    const [{ default: yargs }, { inventoryCommandModule }, { checkTypesCommandModule }, { extraCommands }, { labCommand }, { execCommandModule }, { initCommandModule }] = await Promise.all([
      import('yargs'),
      import('./commands/inventory.js'),
      import('./commands/check-types.js'),
      import('./commands/extra.js'),
      import('./commands/lab.js'),
      import('./commands/exec.js'),
      import('./commands/init.js'),
    ]);
    await yargs(argv)
      .scriptName('tsplay')
      .version(version)
      .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'more output; stack traces on errors' })
      .command(runCommandModule(runIt, false))
      .command(runCommandModule(runIt, true))
      .command(inventoryCommandModule((s) => process.stdout.write(`${s}\n`)))
      .command(checkTypesCommandModule((code) => (exitCode = code)))
      .command(execCommandModule((code) => (exitCode = code)))
      .command(initCommandModule)
      .command(extraCommands((code) => (exitCode = code)))
      .command(labCommand)
      .demandCommand(1, 'give a command: init, run, check, exec, inventory, check-types, modules, lab (see --help)')
      .strict()
      .fail((msg, err) => {
        if (err) throw err;
        throw Object.assign(new Error(msg), { usage: true });
      })
      .help()
      .parseAsync();
  } catch (e) {
    const usage = (e as { usage?: boolean }).usage === true;
    const err: TsplayError = usage
      ? toTsplayError(e, 'USAGE')
      : toTsplayError(e, 'INTERNAL');
    const text = formatError(usage ? Object.assign(err, { hint: 'see tsplay --help' }) : err, { verbose });
    process.stderr.write(`${redact(text)}\n`);
    exitCode = err.code === 'INTERRUPTED' ? 130 : err.code === 'INTERNAL' && !usage ? 1 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    process.exitCode = exitCode;
  }
}

export { runCommand } from './commands/run.js';
export { importTs } from './loader.js';
export { connectHost } from './connect.js';
export { jsonReporter } from './reporters/json.js';
export { plainReporter } from './reporters/plain.js';
