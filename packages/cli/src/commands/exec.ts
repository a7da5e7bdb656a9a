import { ownCore as core } from '../engine.js';
import { argv as shArgv, isTsplayError, loadInventory, TsplayError, type ResolvedHost, type RunOutcome } from '@tsplay/core';
import { formatError, mapLimit, selectHosts, toTsplayError } from '@tsplay/core/engine';
import type { Argv, CommandModule } from 'yargs';
import { connectHost } from '../connect.js';
import { exitCodeFor } from '../exit-code.js';
import { importTs } from '../loader.js';
import { extraVarsFrom, shouldColor, withConnectionFlags } from '../run-helpers.js';
import { inventoryDecryptor, secretFlagsFrom, withKeyOptions, type SecretFlags } from './secrets.js';

export interface ExecArgs extends SecretFlags {
  inventory: string;
  pattern: string;
  command: string[];
  become?: boolean | string | undefined;
  forks: number;
  extraVars?: string[] | undefined;
  user?: string | undefined;
  privateKey?: string | undefined;
  sshConfig?: string | undefined;
  color?: boolean | undefined;
}

export interface HostExec {
  host: string;
  code: number | 'unreachable' | 'error';
  stdout: string;
  stderr: string;
}

async function execOn(h: ResolvedHost, command: string, become: boolean | string | undefined): Promise<HostExec> {
  let conn;
  try {
    conn = await connectHost(h);
  } catch (e) {
    return { host: h.name, code: 'unreachable', stdout: '', stderr: formatError(toTsplayError(e, 'UNREACHABLE')) };
  }
  try {
    const r = await conn.exec(command, { become });
    return { host: h.name, code: r.code, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    return {
      host: h.name,
      code: isTsplayError(e) && e.code === 'UNREACHABLE' ? 'unreachable' : 'error',
      stdout: '',
      stderr: formatError(toTsplayError(e)),
    };
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** One host's block: `host | rc=N` (or UNREACHABLE), then its stdout and stderr indented under it. */
export function formatHostExec(r: HostExec, colors: boolean): string {
  const paint = (n: number, s: string) => (colors ? `\u001b[${n}m${s}\u001b[0m` : s);
  const head =
    r.code === 0
      ? paint(32, `${r.host} | rc=0`)
      : typeof r.code === 'number'
        ? paint(31, `${r.host} | rc=${r.code}`)
        : paint(31, `${r.host} | ${r.code.toUpperCase()}`);
  const body = (text: string, mark: string) =>
    text.length
      ? text
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `  ${mark}${l}`)
      : [];
  return [head, ...body(r.stdout, ''), ...body(r.stderr, '! ')].join('\n');
}

/** `tsplay exec -i INV PATTERN -- CMD ...`: the command on every matched host at once; exit 0 all ok, 2 a non-zero exit, 4 unreachable (exit-code.ts). */
export async function execCommand(a: ExecArgs, write: (s: string) => void): Promise<number> {
  if (a.command.length === 0)
    throw new TsplayError('USAGE', 'tsplay exec needs a command after --', {
      field: 'command',
      hint: 'e.g. tsplay exec -i inventories/local all -- uname -a',
    });
  const inv = withConnectionFlags(
    await loadInventory(a.inventory, await extraVarsFrom(a.extraVars ?? [], core, a), importTs, { decryptVars: inventoryDecryptor(a) }),
    a,
  );
  const hosts = selectHosts(inv, a.pattern, { strict: true, flag: 'PATTERN', file: inv.source });
  const command = shArgv(a.command);
  const colors = shouldColor(a.color, process.env, process.stdout.isTTY === true);
  const results = await mapLimit(hosts, a.forks, async (h) => {
    const r = await execOn(h, command, a.become ?? h.become);
    write(`${formatHostExec(r, colors)}\n`);
    return r;
  });
  return exitCodeFor(execOutcome(results));
}

/** exec's outcome: an unreachable host first (its command never ran), then any non-zero exit. */
export function execOutcome(results: readonly Pick<HostExec, 'code'>[]): RunOutcome {
  if (results.some((r) => r.code === 'unreachable')) return 'unreachable';
  return results.every((r) => r.code === 0) ? 'ok' : 'failed';
}

export const execCommandModule = (setExit: (code: number) => void): CommandModule =>
  ({
    command: 'exec <pattern> [command..]',
    describe: 'run one command on the matched hosts in parallel (tsplay exec -i INV all -- uptime)',
    builder: (y: Argv) =>
      withKeyOptions(y)
        .positional('pattern', { type: 'string', demandOption: true, describe: 'hosts/groups (all, web-*, a:b, !c)' })
        .positional('command', { type: 'string', array: true, describe: 'the command and its arguments (after --)' })
        .option('inventory', { alias: 'i', type: 'string', demandOption: true, describe: 'inventory directory or file' })
        .option('become', { alias: 'b', type: 'boolean', describe: 'run it with sudo -n' })
        .option('forks', { alias: 'f', type: 'number', default: 10, describe: 'hosts worked on at once' })
        .option('extra-vars', { alias: 'e', type: 'string', array: true, describe: 'key=value or @vars.yml' })
        .option('user', { alias: 'u', type: 'string', describe: 'SSH user for every host' })
        .option('private-key', { type: 'string', describe: 'SSH private key file for every host' })
        .option('ssh-config', { type: 'string', describe: 'ssh config file to read' })
        .option('color', { type: 'boolean', describe: 'colours on/off (--no-color)' }),
    handler: async (argv: Record<string, unknown>) => {
      const positional = (argv._ as (string | number)[]).map(String);
      const afterDashes = positional.slice(positional.indexOf('exec') + 1);
      setExit(
        await execCommand(
          {
            inventory: String(argv.inventory),
            pattern: String(argv.pattern),
            command: [...((argv.command as string[] | undefined) ?? []).map(String), ...afterDashes],
            become: argv.become as boolean | undefined,
            forks: Number(argv.forks),
            extraVars: argv['extra-vars'] as string[] | undefined,
            user: argv.user as string | undefined,
            privateKey: argv['private-key'] as string | undefined,
            sshConfig: argv['ssh-config'] as string | undefined,
            color: typeof argv.color === 'boolean' ? argv.color : undefined,
            ...secretFlagsFrom(argv),
          },
          (s) => process.stdout.write(s),
        ),
      );
    },
  }) as CommandModule;
