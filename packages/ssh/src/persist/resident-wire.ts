/**
 * The resident runner's frames (over the daemon's authenticated socket, after `hello`):
 *   client -> daemon  {t:'run', id, ...RunRequest}       a run; answered {t:'res', id, ok:true} (accepted) or
 *                                                       {t:'res', id, ok:false, fallback} (run it yourself)
 *   daemon -> client  {t:'out', fd: 1|2} + bytes           the run's stdout / stderr, in order
 *   daemon -> client  {t:'exit', code}                   the run's exit code (last frame of the run)
 *   client -> daemon  {t:'signal', sig}                  Ctrl-C / SIGTERM reached the client
 * Node built-ins only (see resident-client.ts).
 */

/** What a terminal looks like to the run: the client's own stream's. */
export interface StreamFacts {
  isTTY: boolean;
  columns?: number | undefined;
  rows?: number | undefined;
  colorDepth?: number | undefined;
}

export interface RunRequest {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  umask: number;
  stdout: StreamFacts;
  stderr: StreamFacts;
  /** How long the daemon stays after this run when nothing else holds it (the run's --persist, in ms). */
  persistMs: number;
}

/** What the daemon gives the run it hosts (resident-server.ts). */
export interface RunIO {
  /** Called for each signal the client forwards (the first and every later one). */
  onSignal(f: (sig: string) => void): void;
  /** Called when the client went away before the run ended (the run should stop; its output goes nowhere). */
  onLost(f: () => void): void;
}

/** The program the daemon hosts: the CLI's `run`, given the client's argv; resolves to the exit code. */
export type ResidentProgram = (argv: string[], io: RunIO) => Promise<number>;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const facts = (v: unknown): StreamFacts | undefined => {
  if (!isObj(v) || typeof v.isTTY !== 'boolean') return undefined;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  return { isTTY: v.isTTY, columns: n(v.columns), rows: n(v.rows), colorDepth: n(v.colorDepth) };
};

/** A run request from a frame head, or undefined when any field is missing or of the wrong type. */
export function parseRunRequest(h: Record<string, unknown>): RunRequest | undefined {
  const { argv, env, cwd, umask, persistMs } = h;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) return undefined;
  if (!isObj(env) || !Object.values(env).every((v) => typeof v === 'string')) return undefined;
  if (typeof cwd !== 'string' || typeof umask !== 'number' || typeof persistMs !== 'number') return undefined;
  const stdout = facts(h.stdout);
  const stderr = facts(h.stderr);
  if (!stdout || !stderr) return undefined;
  return { argv, env: env as Record<string, string>, cwd, umask, stdout, stderr, persistMs };
}
