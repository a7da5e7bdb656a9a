import { createHash } from 'node:crypto';
import type { ExecResult } from './connection.js';
import { TsplayError } from './errors.js';
import { quote } from './sh.js';

/**
 * The host's own copy of the signature cache (see SigCache): content-only fact results (a sha256, an
 * archive's member hashes: never file contents) with the stat signature they were computed for, so a
 * run from a new workstation (a fresh CI runner, an empty state dir) does not re-hash what an earlier
 * run already hashed. Root-only (0700 directory, 0600 files), one small file per fact; written by real
 * runs (the probe that hashes, the exec that writes: indexRecord; the rest at the next exec of steps or the
 * run's end: indexWriteScript), only read by --check. Removing the directory only costs one re-hash.
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

/** Payload forms of an entry the probe recorded itself (indexRecord); an encodeResult payload starts with neither. */
const LINE = 'l';
const RAW = 'r';
/** Ends a fact's captured stdout (indexRecord), so its trailing newlines survive the command substitution. */
const OUT_END = '__tsplay_o__';

/**
 * The else branch of a wrapped fact (SigCache.wrap) in a real run: for a complete signature (`$__s`, every file
 * there) runs `script` with its stdout captured and its stderr in a temp file of the index, prints both, and records
 * the answer in the host's own index when it exited 0 with nothing on stderr, so the run needs no exec of its own
 * at its end to write it. A one-line answer is kept as it is (`l`), any other in base64 (`r`, one line:
 * `base64 -w0`); the temp file becomes the entry by rename, as in indexWriteScript. Ends the subshell it runs in
 * (the fact's) with the script's exit code. A script that sets its own EXIT trap is printed without its trailing
 * newlines and not recorded; where the index cannot be written the script runs as it would without it.
 */
export function indexRecord(dir: string, id: string, script: string): string {
  const d = quote(dir);
  const line = `printf '%s\\n${LINE}%s\\nend\\n' "$__s" "$__wl" > "$__te"`;
  const raw = `{ printf '%s\\n${RAW}' "$__s"; printf '%s' "$__wo" | base64 -w0 && printf '\\nend\\n'; } > "$__te"`;
  // Only a complete signature is recorded: without one there is no temp file to make (nor to remove after), and
  // the script sees the exec's own umask (an archive's answer predicts the mode of the directories it would make
  // from it: those are missing only where a named target is, and so is the signature).
  const complete = `[ -n "$__s" ] && [ "\${__s#*  }" = "$__s" ]`;
  return [
    `__te=${d}/.${id}.$$; __wr=; if ${complete}; then umask 077; { { [ -d ${d} ] || mkdir -p ${d}; } && true > "$__te"; } 2>/dev/null && __wr=1; fi`,
    `__wo=$(trap 'printf %s ${OUT_END}' EXIT; if [ -n "$__wr" ]; then exec 2>"$__te"; fi`,
    script,
    `); __wc=$?`,
    `case $__wo in *${OUT_END}) __wo=\${__wo%${OUT_END}}; __wk=$__wr;; *) __wk=;; esac; printf '%s' "$__wo"`,
    `if [ -s "$__te" ]; then cat -- "$__te" >&2; __wk=; fi`,
    `if [ -n "$__wk" ] && [ "$__wc" -eq 0 ]; then`,
    `  __nl='\n'; __wl=\${__wo%"$__nl"}`,
    `  if [ -n "$__wl" ] && [ "$__wl$__nl" = "$__wo" ] && case $__wl in *"$__nl"*) false;; esac`,
    `  then ${line}; else ${raw}; fi && mv -f "$__te" ${quote(`${dir}/${id}`)}`,
    'fi >/dev/null 2>&1',
    `[ -z "$__wr" ] || [ ! -e "$__te" ] || rm -f "$__te"`,
    'exit "$__wc"',
  ].join('\n');
}

export function encodeResult(r: ExecResult): string {
  return Buffer.from(JSON.stringify({ code: r.code, stdout: r.stdout, stderr: r.stderr })).toString('base64');
}

export function decodeResult(payload: string, host: string | undefined): ExecResult {
  // the forms a probe records itself (indexRecord): one line as it is, or the stdout in base64
  if (payload.startsWith(LINE)) return { code: 0, stdout: `${payload.slice(1)}\n`, stderr: '' };
  if (payload.startsWith(RAW)) return { code: 0, stdout: Buffer.from(payload.slice(1), 'base64').toString('utf8'), stderr: '' };
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
