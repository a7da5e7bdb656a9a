import { parseArgs } from 'node:util';
import { RUN_OPTIONS } from './commands/run-options.js';
import type { RunArgs } from './commands/run.js';

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
    parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
  } catch {
    return undefined;
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (parsed.positionals.length !== 1 || typeof v.inventory !== 'string') return undefined;
  const forks = v.forks === undefined ? 10 : Number(v.forks);
  if (!Number.isInteger(forks) || forks < 1) return undefined;
  const list = (x: unknown) => (Array.isArray(x) ? (x as string[]) : undefined);
  return {
    playbook: parsed.positionals[0] as string,
    inventory: v.inventory,
    check: cmd === 'check' || v.check === true,
    diff: v.diff === true,
    limit: typeof v.limit === 'string' ? v.limit : undefined,
    tags: list(v.tags),
    skipTags: list(v['skip-tags']),
    forks,
    extraVars: list(v['extra-vars']),
    json: v.json === true,
    verbose: v.verbose === true,
    anyErrorsFatal: v['any-errors-fatal'] === true,
    detailedExitcode: v['detailed-exitcode'] === true,
  };
}
