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
    options[o.name] = { type: o.type === 'boolean' ? 'boolean' : 'string', ...(o.alias ? { short: o.alias } : {}), ...(o.array ? { multiple: true } : {}) };
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
