import { dirname } from 'node:path';
import { sh, type ApplyContext } from '@tsplay/modules/kit';
import { pkiError } from './errors.js';
import type { KeyFile } from './facts.js';
import { importKeyPair, newKeyPair, type KeyPair } from './issue.js';
import type { PkiPlanData } from './plan-common.js';

async function run(ctx: ApplyContext, cmd: string, what: string): Promise<void> {
  const r = await ctx.conn.exec(cmd);
  if (r.code !== 0)
    throw pkiError('PKI_WRITE_FAILED', `could not ${what}: ${r.stderr.trim() || `exit ${r.code}`}`, { host: ctx.host, task: ctx.task });
}

/** Repair modes only (nothing issued). */
export async function applyModes(ctx: ApplyContext, data: PkiPlanData): Promise<void> {
  for (const [path, mode] of data.chmod) await run(ctx, sh`chmod ${mode.toString(8)} -- ${path}`, `set the mode of ${path}`);
}

/** The key to certify: a new one, or the existing one when the plan keeps it. */
export async function keyFor(data: PkiPlanData, existing: KeyFile): Promise<KeyPair> {
  if (!data.newKey && existing.kind === 'key') return importKeyPair(existing.key.pem.reveal());
  return newKeyPair();
}

/**
 * Write what was issued: the directory (0700 when made), then the key (0600 from its creation, only
 * when new) and the certificate (0644), each atomically (temp file, fsync, rename).
 */
export async function writeIssued(
  ctx: ApplyContext,
  p: { cert: string; certPem: string; key: string; keyPair: KeyPair; newKey: boolean },
): Promise<void> {
  for (const dir of new Set([dirname(p.cert), dirname(p.key)])) await run(ctx, sh`mkdir -p -m 700 -- ${dir}`, `make ${dir}`);
  if (p.newKey) await ctx.conn.put(p.key, p.keyPair.pem, { mode: 0o600 });
  await ctx.conn.put(p.cert, p.certPem, { mode: 0o644 });
}
