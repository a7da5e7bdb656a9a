import type { RunRequest, StreamFacts } from './resident-wire.js';

/**
 * The process state a hosted run sees as its own, swapped in for the run and back out after it: env, cwd,
 * umask, and stdout/stderr (every write goes to the client; isTTY, columns, rows and the colour depth are the
 * client's streams'). Runs are one at a time, so one swap is in place at most.
 */
const KEYS = ['write', 'isTTY', 'columns', 'rows', 'getColorDepth', 'hasColors'] as const;

type Writer = (fd: 1 | 2, b: Buffer) => void;

function patchStream(stream: NodeJS.WriteStream, fd: 1 | 2, f: StreamFacts, send: Writer): () => void {
  const saved = KEYS.map((k) => [k, Object.getOwnPropertyDescriptor(stream, k)] as const);
  const depth = f.colorDepth ?? (f.isTTY ? 8 : 1);
  const set = (k: (typeof KEYS)[number], value: unknown) =>
    Object.defineProperty(stream, k, { value, configurable: true, writable: true, enumerable: false });
  set('write', (chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
    send(
      fd,
      typeof chunk === 'string' ? Buffer.from(chunk, typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8') : Buffer.from(chunk),
    );
    const done = typeof enc === 'function' ? enc : cb;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  });
  set('isTTY', f.isTTY);
  set('columns', f.columns);
  set('rows', f.rows);
  set('getColorDepth', () => depth);
  set('hasColors', (n = 16) => 2 ** depth >= n);
  return () => {
    for (const [k, d] of saved) {
      if (d) Object.defineProperty(stream, k, d);
      else delete (stream as unknown as Record<string, unknown>)[k];
    }
  };
}

function setEnv(env: Record<string, string | undefined>): void {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
}

/** Swap the run's state in (throws, with nothing swapped, when its cwd cannot be entered); returns the restore. */
export function swapIn(req: RunRequest, send: Writer): () => void {
  const cwd = process.cwd();
  process.chdir(req.cwd);
  const env = { ...process.env };
  setEnv(req.env);
  const umask = process.umask(req.umask);
  const out = patchStream(process.stdout, 1, req.stdout, send);
  const err = patchStream(process.stderr, 2, req.stderr, send);
  return () => {
    err();
    out();
    process.umask(umask);
    setEnv(env);
    process.chdir(cwd);
  };
}
