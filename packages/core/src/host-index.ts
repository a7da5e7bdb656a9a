import { createHash } from 'node:crypto';
import type { ExecResult } from './connection.js';
import { TsplayError } from './errors.js';
import { quote } from './sh.js';

/**
 * The host's own copy of the signature cache (see SigCache): content-only fact results (a sha256, an
 * archive's member hashes: never file contents) with the stat signature they were computed for, so a
 * run from a new workstation (a fresh CI runner, an empty state dir) does not re-hash what an earlier
 * run already hashed. Root-only (0700 directory, 0600 files), one small file per fact; written by real
 * runs at their end, only read by --check. Removing the directory only costs one re-hash.
 */
export const HOST_INDEX_DIR = '/var/cache/tsplay/sig';
/** Marks a result answered from the host's index in the probe's output. */
export const HOSTED = '__tsplay_hosted__';

/** The entry's file name: the fact's key and script (a new tsplay whose probe differs never reads an old answer). */
export function indexId(key: string, script: string): string {
  return createHash('sha256').update(`${key}\0${script}`).digest('hex').slice(0, 32);
}

/**
 * Shell condition: the host's entry exists, is complete (its `end` line), and was made for the
 * signature now in `$__s` (not empty: a missing file has none). On success `$__hp` holds the answer.
 * Builtins only: no process per fact.
 */
export function indexMatch(dir: string, id: string): string {
  const f = quote(`${dir}/${id}`);
  return `[ -n "$__s" ] && [ -r ${f} ] && { IFS= read -r __hs && IFS= read -r __hp && IFS= read -r __he; } < ${f} && [ "$__he" = end ] && [ "$__hs" = "$__s" ]`;
}

export function encodeResult(r: ExecResult): string {
  return Buffer.from(JSON.stringify({ code: r.code, stdout: r.stdout, stderr: r.stderr })).toString('base64');
}

export function decodeResult(payload: string, host: string | undefined): ExecResult {
  try {
    const v = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as ExecResult;
    if (typeof v.code !== 'number' || typeof v.stdout !== 'string' || typeof v.stderr !== 'string') throw new Error('not a result');
    return { code: v.code, stdout: v.stdout, stderr: v.stderr };
  } catch (e) {
    throw new TsplayError('FACT_FAILED', `an entry of the host's signature index is unreadable: ${(e as Error).message}`, {
      host,
      cause: e,
      hint: `remove ${HOST_INDEX_DIR} on the host (it is only a cache) and run again`,
    });
  }
}

/** One script that writes every entry (temp file, rename: a reader never sees half an entry). */
export function indexWriteScript(dir: string, entries: ReadonlyMap<string, { sig: string; payload: string }>): string {
  const d = quote(dir);
  const lines = [`umask 077`, `mkdir -p ${d} || exit 1`];
  for (const [id, e] of entries) {
    const tmp = quote(`${dir}/.${id}.tmp`);
    lines.push(`printf '%s\\n%s\\nend\\n' ${quote(e.sig)} ${quote(e.payload)} > ${tmp} && mv -f ${tmp} ${quote(`${dir}/${id}`)}`);
  }
  return lines.join('\n');
}
