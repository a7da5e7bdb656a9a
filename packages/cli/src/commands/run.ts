import { dirname, resolve } from 'node:path';
import type { RunEvent, RunOptions } from '@tsplay/core';
import type { Argv, CommandModule } from 'yargs';
import { connectHost } from '../connect.js';
import { engineFor, type Core } from '../engine.js';
import { summaryExitCode, withExitCode } from '../exit-code.js';
import { importTs } from '../loader.js';
import { loadPlaybook } from '../playbook-load.js';
import { jsonReporter } from '../reporters/json.js';
import { plainReporter } from '../reporters/plain.js';
import { ttyReporter } from '../reporters/tty.js';
import { stateDir } from '../paths.js';
import { withBecomeFlags } from '../become-password.js';
import { extraVarsFrom, parseDuration, shouldColor, terminalStep, withConnectionFlags } from '../run-helpers.js';
import { runArgsFrom, type RunArgs } from './run-args.js';
import { inventoryDecryptor, withLocalFileOpener } from './secrets.js';
import { RUN_OPTIONS } from './run-options.js';

export type { RunArgs } from './run-args.js';

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

function reporter(a: RunArgs): (e: RunEvent) => void {
  if (a.json) return jsonReporter();
  const colors = shouldColor(a.color, process.env, process.stdout.isTTY === true);
  return process.stdout.isTTY ? ttyReporter({ verbose: a.verbose, colors }) : plainReporter({ verbose: a.verbose, colors });
}

/** --strategy and --forks, before anything is loaded. */
function checkFlags(a: RunArgs, TsplayError: Core['TsplayError']): void {
  if (a.strategy !== undefined && a.strategy !== 'free' && a.strategy !== 'linear')
    throw new TsplayError('USAGE', `--strategy must be free or linear, got ${a.strategy}`, {
      field: '--strategy',
      hint: "--strategy linear keeps every host on the same task (a play's own strategy still wins)",
    });
  if (!Number.isInteger(a.forks) || a.forks < 1)
    throw new TsplayError('USAGE', `--forks must be a positive integer, got ${a.forks}`, { field: '--forks', hint: 'e.g. --forks 10' });
}

/** Run a playbook; resolves to the exit code. The engine is the project's own @tsplay/core when it has one. */
export async function runCommand(a: RunArgs, signal?: AbortSignal): Promise<number> {
  const playbookFile = resolve(a.playbook);
  const core = await engineFor(playbookFile);
  const { TsplayError } = core;
  checkFlags(a, TsplayError);
  const waitMs = parseDuration(a.waitLock ?? '0', core);
  if (a.persist !== undefined && !/^\d+(\.\d+)?$/.test(a.persist))
    throw new TsplayError('USAGE', `--persist must be a number of seconds, got ${a.persist}`, {
      field: '--persist',
      hint: 'e.g. --persist 60, or --persist 0 to connect directly',
    });
  if (a.step && !a.list && !(process.stdin.isTTY && process.stdout.isTTY))
    throw new TsplayError('USAGE', '--step asks before each task and needs a terminal (stdin and stdout are not both a TTY)', {
      field: '--step',
      hint: 'run it in a terminal, or drop --step (--list-tasks shows what would run)',
    });
  const extra = await extraVarsFrom(a.extraVars ?? [], core, a);
  const [playbook, loaded] = await Promise.all([
    loadPlaybook(playbookFile, core),
    core.loadInventory(a.inventory, extra, importTs, { playbookDir: dirname(playbookFile), decryptVars: inventoryDecryptor(a) }),
  ]);
  const inventory = await withBecomeFlags(withConnectionFlags(loaded, a), a, core);
  const base = {
    playbook,
    inventory,
    check: a.check,
    diff: a.diff,
    limit: a.limit,
    tags: a.tags,
    skipTags: a.skipTags,
    startAtTask: a.startAtTask,
    forks: a.forks,
    strategy: a.strategy as 'free' | 'linear' | undefined,
    anyErrorsFatal: a.anyErrorsFatal,
    stateDir: stateDir(),
    baseDir: dirname(playbookFile),
    playbookFile,
  } satisfies Omit<RunOptions, 'connect' | 'emit'>;
  if (a.list) {
    process.stdout.write(`${core.listRun(base, a.list)}\n`);
    return 0;
  }
  const check = a.check;
  const codes = { check, detailedExitcode: a.detailedExitcode };
  const report = reporter(a);
  const summary = await withLocalFileOpener(a, () =>
    core.runPlaybook({
      ...base,
      connect: (h) => connectHost(h, { runLock: check ? undefined : { waitMs, playbook: playbook.name }, persist: a.persist }),
      emit: (e) => report(withExitCode(e, codes)),
      signal,
      ...(a.step ? { step: terminalStep(process.stdin, process.stdout) } : {}),
    }),
  );
  return summaryExitCode(summary, codes);
}

export const runCommandModule = (exec: (a: RunArgs) => Promise<void>, check: boolean): CommandModule =>
  ({
    command: check ? 'check <playbook>' : 'run <playbook>',
    describe: check ? 'dry run of a playbook (same as run --check)' : 'run a playbook against an inventory',
    builder: (y: Argv) => runOptions(y),
    handler: async (argv: Record<string, unknown>) => {
      await exec(runArgsFrom(argv, String(argv.playbook), check));
    },
  }) as CommandModule;
