import { TsplayError } from '@tsplay/core';
import type { Log } from './run.js';

/** Containers booting at once by default: 2 cores boot 8 systemd hosts in ~2-3 s; 50 at once never settle. */
export const DEFAULT_WAVE = 8;

/** The boot wave size: `wave` if given, else `$TSPLAY_LAB_WAVE`, else DEFAULT_WAVE; an integer from 1 to 64. */
export function waveSize(wave?: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = wave ?? (env['TSPLAY_LAB_WAVE'] ? Number(env['TSPLAY_LAB_WAVE']) : DEFAULT_WAVE);
  if (!Number.isInteger(raw) || raw < 1 || raw > 64) {
    throw new TsplayError('USAGE', `the boot wave size must be an integer from 1 to 64, not ${String(raw)}`, {
      field: 'wave',
      hint: 'unset TSPLAY_LAB_WAVE or set it to e.g. 8',
    });
  }
  return raw;
}

/** Split `items` into consecutive waves of at most `size` (the last one may be smaller). Pure. */
export function planWaves<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`wave size must be a positive integer, not ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface WaveHooks<T> {
  /** Start one item (a host's supervisor); resolves once it is started, not once it is ready. */
  start: (item: T) => Promise<void>;
  /** Resolves when the item is ready (its sshd accepts a login), rejects with the item's own error. */
  ready: (item: T) => Promise<void>;
  /** A name for progress lines (`controller-8`). */
  name: (item: T) => string;
  log?: Log;
  now?: () => number;
}

/**
 * Boot `items` in waves of `size`: start every item of a wave, wait until each is ready, then the next
 * wave. One progress line per wave. The first failure of a wave stops the boot (after the rest of that wave
 * settled, so nothing is left half-waited) and is rethrown as it is (it names its host).
 */
export async function runWaves<T>(items: readonly T[], size: number, hooks: WaveHooks<T>): Promise<{ waves: number; waveMs: number[] }> {
  const now = hooks.now ?? Date.now;
  const waves = planWaves(items, size);
  const waveMs: number[] = [];
  let done = 0;
  for (const [i, wave] of waves.entries()) {
    const t0 = now();
    for (const item of wave) await hooks.start(item);
    const results = await Promise.allSettled(wave.map((item) => hooks.ready(item)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    done += wave.length;
    const ms = now() - t0;
    waveMs.push(ms);
    const range = wave.length === 1 ? hooks.name(wave[0] as T) : `${hooks.name(wave[0] as T)}..${hooks.name(wave.at(-1) as T)}`;
    hooks.log?.(`  wave ${i + 1}/${waves.length}: ${range} up in ${(ms / 1000).toFixed(1)} s (${done}/${items.length})`);
  }
  return { waves: waves.length, waveMs };
}

/** Map `items` with at most `limit` calls of `fn` running at once; results in input order. Waits for all before rejecting. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let error: { e: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !error) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T, i);
      } catch (e) {
        error ??= { e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (error) throw error.e;
  return out;
}
