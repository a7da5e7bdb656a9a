import { readdirSync, statSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

/**
 * The resident runner's staleness check: every file its process has loaded (ES modules through a resolve
 * hook installed at start, CommonJS ones through require's cache, plus files named up front) with its
 * inode, size and mtime when first seen. A run is served only while none of them changed.
 */
const HOOK = `let port;
export function initialize(d) { port = d.port; }
export async function resolve(s, c, next) {
  const r = await next(s, c);
  if (r.url.startsWith('file:')) port.postMessage(r.url);
  return r;
}`;

type Stamp = string;

const stampOf = (file: string): Stamp => {
  try {
    const s = statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'absent';
  }
};

export class LoadedFiles {
  private readonly seen = new Map<string, Stamp>();

  /** Record a file (a path or file: URL, query dropped) as it is now, unless already recorded. */
  add(fileOrUrl: string): void {
    const file = fileOrUrl.startsWith('file:') ? fileURLToPath(fileOrUrl.replace(/[?#].*$/, '')) : fileOrUrl;
    if (!this.seen.has(file)) this.seen.set(file, stampOf(file));
  }

  /** Every file of `dir` (not recursive): the entry chunks loaded before the hook was in place. */
  addDir(dir: string): void {
    for (const f of readdirSync(dir)) if (/\.[cm]?js$/.test(f)) this.add(join(dir, f));
  }

  get size(): number {
    return this.seen.size;
  }

  /** The first recorded file that changed (or went), after taking in the CommonJS modules loaded since. */
  changed(): string | undefined {
    for (const f of Object.keys(createRequire(import.meta.url).cache)) this.add(f);
    for (const [f, s] of this.seen) if (stampOf(f) !== s) return f;
    return undefined;
  }
}

/** Start recording: the ES modules resolved from now on (Node >= 20.6 `module.register`) go into `files`. */
export function watchLoaded(files: LoadedFiles): void {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (u: unknown) => {
    if (typeof u === 'string') files.add(u);
  });
  port1.unref();
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`, { data: { port: port2 }, transferList: [port2] });
}
