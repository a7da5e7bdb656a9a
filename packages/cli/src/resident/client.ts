import { join } from 'node:path';
import { buildId, daemonCommand } from '../build-id.js';
import type { RunArgs } from '../commands/run-args.js';

type Env = Record<string, string | undefined>;

/** The resident runner is on unless `TSPLAY_RESIDENT` is `0`, `false`, `no` or `off` (docs/warm-start.md). */
export const residentOn = (env: Env): boolean => !/^(0|false|no|off)$/i.test(env.TSPLAY_RESIDENT?.trim() ?? '');

/** An argument naming the client's own stdin or descriptors (`-e @/dev/stdin`, `-i <(cmd)`): the daemon has other ones. */
const OWN_DESCRIPTOR = /(^|[@=])(\/dev\/(stdin|fd\/)|\/proc\/self\/fd\/)/;

/**
 * Why this run stays in its own process (undefined: the resident runner may host it). A run that may prompt,
 * that reads its own stdin, or that reads keys (become or vault passwords, age identities, --step) never goes to
 * the daemon: its stdin is not the terminal, and a key must not outlive the run in a long-lived process.
 */
export function residentRefusal(argv: readonly string[], a: RunArgs, env: Env, persist: number): string | undefined {
  if (!residentOn(env)) return `TSPLAY_RESIDENT is ${env.TSPLAY_RESIDENT}`;
  if (persist <= 0) return 'persistence is off (--persist 0 or TSPLAY_PERSIST=0)';
  if (argv.some((x) => OWN_DESCRIPTOR.test(x))) return "an argument reads this process's stdin or descriptors (/dev/stdin, /dev/fd/N)";
  if (a.step) return '--step asks on the terminal';
  if (a.askBecomePass || a.becomePasswordFile !== undefined) return 'a become password is given (-K or --become-password-file)';
  if (a.askVaultPass || a.vaultIds?.length || a.vaultPasswordFiles?.length || a.ageIdentityFiles?.length || env.TSPLAY_AGE_IDENTITY)
    return 'keys for encrypted vars are given (vault or age)';
  return undefined;
}

const facts = (s: NodeJS.WriteStream) => ({
  isTTY: s.isTTY === true,
  columns: s.isTTY ? s.columns : undefined,
  rows: s.isTTY ? s.rows : undefined,
  colorDepth: s.isTTY ? s.getColorDepth() : undefined,
});

/** The result: the run's exit code, or why it was not hosted. */
export type ResidentAttempt = { code: number } | { fallback: string };

/**
 * Hand `tsplay run|check` to the resident runner of this build (the per-user persist daemon): argv, env, cwd,
 * umask and the streams' terminal facts go over its authenticated socket; stdout, stderr and the exit code
 * come back. With no daemon up, one is started and given this run: it dials the hosts itself, where a run in
 * this process would relay each of its execs to a connection daemon. Loads node built-ins and @tsplay/ssh/resident only.
 */
export async function tryResident(argv: string[], a: RunArgs): Promise<ResidentAttempt> {
  const env = process.env;
  const r = await import('@tsplay/ssh/resident');
  const persist = r.persistSeconds(a.persist, env);
  const refused = residentRefusal(argv, a, env, persist);
  if (refused) return { fallback: refused };
  const dir = join(r.persistDir(env), buildId());
  const req = {
    argv,
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string')),
    cwd: process.cwd(),
    umask: process.umask(),
    stdout: facts(process.stdout),
    stderr: facts(process.stderr),
    persistMs: Math.round(persist * 1000),
  };
  const streams = { stdout: process.stdout, stderr: process.stderr };
  const out = await r.residentRun(dir, req, streams);
  if ('code' in out || !out.noDaemon) return out;
  const unsafe = r.prepareDirs(dir);
  if (unsafe) return { fallback: `${unsafe.path} ${unsafe.why}` };
  if (!(await r.startDaemon(daemonCommand(), dir)))
    return { fallback: `no resident runner is up, and the one started did not come up within ${r.DAEMON_START_WAIT_MS / 1000} s` };
  const hosted = await r.residentRun(dir, req, streams);
  return 'code' in hosted ? hosted : { fallback: hosted.fallback };
}
