import { dirname, resolve } from 'node:path';
import { loadInventory, parseExtraVars, runPlaybook, type RunEvent } from '@tsplay/core';
import type { Argv, CommandModule } from 'yargs';
import { connectHost } from '../connect.js';
import { importTs } from '../loader.js';
import { loadPlaybook } from '../playbook-load.js';
import { jsonReporter } from '../reporters/json.js';
import { plainReporter } from '../reporters/plain.js';
import { ttyReporter } from '../reporters/tty.js';
import { stateDir } from '../paths.js';
import { RUN_OPTIONS } from './run-options.js';

export interface RunArgs {
  playbook: string;
  inventory: string;
  check: boolean;
  diff: boolean;
  limit?: string | undefined;
  tags?: string[] | undefined;
  skipTags?: string[] | undefined;
  forks: number;
  extraVars?: string[] | undefined;
  json: boolean;
  verbose: boolean;
  anyErrorsFatal: boolean;
  detailedExitcode: boolean;
}

export function runOptions<T>(y: Argv<T>): Argv<T> {
  let out = y.positional('playbook', { type: 'string', demandOption: true, describe: 'playbook file (.ts)' }) as unknown as Argv<T>;
  for (const o of RUN_OPTIONS) {
    if (o.name === 'verbose') continue; // global option
    out = out.option(o.name, {
      type: o.type,
      describe: o.describe,
      ...(o.alias ? { alias: o.alias } : {}),
      ...(o.array ? { array: true } : {}),
      ...(o.default !== undefined ? { default: o.default } : {}),
      ...(o.demand ? { demandOption: true } : {}),
    }) as unknown as Argv<T>;
  }
  return out;
}

/** Run a playbook; resolves to the exit code. */
export async function runCommand(a: RunArgs, signal?: AbortSignal): Promise<number> {
  const extra = parseExtraVars(a.extraVars ?? []);
  const [playbook, inventory] = await Promise.all([loadPlaybook(a.playbook), loadInventory(a.inventory, extra, importTs)]);
  if (!Number.isInteger(a.forks) || a.forks < 1) {
    const { TsplayError } = await import('@tsplay/core');
    throw new TsplayError('USAGE', `--forks must be a positive integer, got ${a.forks}`, { field: '--forks', hint: 'e.g. --forks 10' });
  }
  const emit: (e: RunEvent) => void = a.json
    ? jsonReporter()
    : process.stdout.isTTY
      ? ttyReporter({ verbose: a.verbose })
      : plainReporter({ verbose: a.verbose });
  const summary = await runPlaybook({
    playbook,
    inventory,
    connect: connectHost,
    emit,
    check: a.check,
    diff: a.diff,
    limit: a.limit,
    tags: a.tags,
    skipTags: a.skipTags,
    forks: a.forks,
    anyErrorsFatal: a.anyErrorsFatal,
    detailedExitcode: a.detailedExitcode,
    signal,
    stateDir: stateDir(),
    baseDir: dirname(resolve(a.playbook)),
    playbookFile: resolve(a.playbook),
  });
  return summary.exitCode;
}

export const runCommandModule = (exec: (a: RunArgs) => Promise<void>, check: boolean): CommandModule =>
  ({
    command: check ? 'check <playbook>' : 'run <playbook>',
    describe: check ? 'dry run of a playbook (same as run --check)' : 'run a playbook against an inventory',
    builder: (y: Argv) => runOptions(y),
    handler: async (argv: Record<string, unknown>) => {
      await exec({
        playbook: String(argv.playbook),
        inventory: String(argv.inventory),
        check: check || Boolean(argv.check),
        diff: Boolean(argv.diff),
        limit: argv.limit as string | undefined,
        tags: argv.tags as string[] | undefined,
        skipTags: argv['skip-tags'] as string[] | undefined,
        forks: Number(argv.forks),
        extraVars: argv['extra-vars'] as string[] | undefined,
        json: Boolean(argv.json),
        verbose: Boolean(argv.verbose),
        anyErrorsFatal: Boolean(argv['any-errors-fatal']),
        detailedExitcode: Boolean(argv['detailed-exitcode']),
      });
    },
  }) as CommandModule;
