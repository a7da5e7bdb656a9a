/** Helpers for the module tests (local connection in temp dirs). Not exported from the package. */
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PathState } from '@tsplay/core';
import { executeModule, type AnyModule, type ExecuteOptions, type Execution } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';

export const conn = new LocalConnection('local');

/** A fresh temp dir; `cleanup()` removes every dir made so far. */
const made: string[] = [];
export function tempDir(prefix = 'tsplay-mod-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Every path under `root` with type, mode, owner ids, size, content hash and link target. */
export function fingerprint(root: string): string[] {
  const out: string[] = [];
  const walk = (p: string, rel: string): void => {
    const st = lstatSync(p);
    let extra = '';
    if (st.isSymbolicLink()) extra = `-> ${readlinkSync(p)}`;
    else if (st.isFile()) extra = createHash('sha256').update(readFileSync(p)).digest('hex');
    out.push(`${rel || '.'} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.isFile() ? st.size : ''} ${extra}`);
    if (st.isDirectory()) for (const e of readdirSync(p).sort()) walk(join(p, e), rel ? `${rel}/${e}` : e);
  };
  walk(root, '');
  return out;
}

/** `executeModule` on the local connection (modules are passed as AnyModule). */
export function run<R = unknown>(mod: unknown, args: unknown, opts: ExecuteOptions = {}): Promise<Execution<R>> {
  return executeModule<R>(conn, mod as AnyModule, args, opts);
}

/** Fails the test with the task's error when it failed. */
export function ok<R>(e: Execution<R>): Execution<R> {
  if (e.error) throw e.error;
  return e;
}

/** The real state of `path` matches every field the plan predicted (check mode is exact). */
export async function actualMatches(path: string, predicted: PathState | undefined): Promise<{ actual: PathState; predicted: PathState }> {
  const actual = await conn.stat(path, { hash: true });
  const want = Object.fromEntries(
    Object.entries(predicted ?? { missing: true }).filter(([, v]) => v !== undefined),
  ) as unknown as PathState;
  const got = Object.fromEntries(Object.keys(want).map((k) => [k, actual[k as keyof PathState]])) as unknown as PathState;
  return { actual: got, predicted: want };
}
