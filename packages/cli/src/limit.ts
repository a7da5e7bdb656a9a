/** At most `n` calls of `run` in flight at once; the others wait in order. */
export function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active -= 1;
    waiting.shift()?.();
  };
  return async (fn) => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active += 1;
    try {
      return await fn();
    } finally {
      release();
    }
  };
}

/** Handshakes in flight at once (`TSPLAY_CONNECT_LIMIT`, default 32): 200 key exchanges at once starve a small workstation. */
export function connectLimit(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env['TSPLAY_CONNECT_LIMIT']);
  return Number.isInteger(n) && n > 0 ? n : 32;
}
