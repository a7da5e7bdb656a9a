import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExecResult } from './connection.js';
import { decodeResult, encodeResult, HOSTED, indexId, indexMatch, indexRecord, indexWriteScript } from './host-index.js';
import { quote } from './sh.js';
import { SIG_FORMAT, sharedSigArgs, sigLine } from './sig-batch.js';

export { SIG_FORMAT } from './sig-batch.js';

/**
 * Fact results that depend only on the content of some files (a sha256, the member list of an
 * archive) are remembered on the workstation with the files' stat signature (size, mtime and
 * ctime in ns, inode: git's index idea). The probe then re-checks the signature on the host and
 * only recomputes when any field differs, so unchanged 38 MB binaries are not re-hashed on every
 * run. Real runs also leave a copy on the host (host-index.ts) for the next workstation; --check only
 * reads it, so it still mutates nothing.
 *
 * Only answers about files of at least MIN_CACHED_BYTES are remembered here (the host's own index keeps all): re-hashing
 * a small file costs nothing, and the sha256 of a small file may be the hash of a low-entropy secret
 * (a password file), which must not sit in a cache. The workstation's file is 0600 in a 0700 directory.
 */
const CACHED = '__tsplay_cached__';
/** After CACHED: the host's index has no entry for it yet. */
const MISSING = '+';
/** Smaller files are never cached: cheap to hash again, and perhaps a guessable secret. */
export const MIN_CACHED_BYTES = 1024 * 1024;

/** Every file of a signature line (`size.mtime.ctime.inode` per file) is at least MIN_CACHED_BYTES. */
function worthCaching(sig: string): boolean {
  const files = sig.trim().split(' ');
  return files.length > 0 && files.every((f) => /^\d+\./.test(f) && Number(f.slice(0, f.indexOf('.'))) >= MIN_CACHED_BYTES);
}

interface Entry {
  sig: string;
  result: ExecResult;
}

export class SigCache {
  readonly #file: string | undefined;
  #entries: Record<string, Entry>;
  #dirty = false;
  readonly #hostDir: string | undefined;
  readonly #record: boolean;
  readonly #pending = new Map<string, { sig: string; payload: string }>();

  /**
   * `hostDir`: the host's own index (HOST_INDEX_DIR for SSH hosts; none for the workstation itself). `record`: a
   * real run, whose probe records its fresh answers in that index itself (host-index.ts `indexRecord`); without
   * it (--check) the probe only reads the index.
   */
  constructor(file?: string, opts: { hostDir?: string | undefined; record?: boolean } = {}) {
    this.#file = file;
    this.#hostDir = opts.hostDir;
    this.#record = opts.record ?? false;
    this.#entries = {};
    if (file) {
      try {
        const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Entry>;
        // an older tsplay also kept small files' answers: drop them (and rewrite the file without them)
        this.#entries = Object.fromEntries(Object.entries(all).filter(([, e]) => worthCaching(e.sig)));
        this.#dirty = Object.keys(this.#entries).length !== Object.keys(all).length;
      } catch {
        this.#entries = {};
      }
    }
  }

  /** The host's index (see host-index.ts) for a fact probed as root, or undefined when it is not used. */
  hostEntry(key: string, script: string, asRoot: boolean): string | undefined {
    return asRoot && this.#hostDir ? indexId(key, script) : undefined;
  }

  /**
   * Wrap a fact script: print the signature line, then the cached marker (the workstation knows this
   * signature), the host's own answer (`hostId`: its index has it), or the real output.
   */
  wrap(key: string, paths: readonly string[], script: string, hostId?: string): string {
    // one line of signatures, joined by the shell's own word splitting (no pipe, no tr), from the batch's shared
    // stat when it has one (sig-batch.ts: no process of its own)
    const sig = `${sigLine(paths)}; printf '%s\\n' "$__s"`;
    const branches = this.#branches(key, hostId).map((b) => `${b.test}; then ${b.print}`);
    const dir = this.#recordDir(hostId);
    const fresh = dir !== undefined && hostId !== undefined ? indexRecord(dir, hostId, script) : script;
    if (branches.length === 0) return `${sig}\n${fresh}`;
    return `${sig}\nif ${branches.join('\nelif ')}; else\n${fresh}\nfi`;
  }

  /**
   * The wrapped script's answer without a subshell, for a batch (FactQuery.fastPath): with the batch's shared
   * signatures, the cached and the host-index branches of `wrap` run only builtins, so the probe's own shell
   * prints what the wrapped script would (the signature line, then the marker or the host's answer) and sets
   * `__q`. Undefined when `wrap` has no such branch.
   */
  fastPath(key: string, paths: readonly string[], hostId?: string): string | undefined {
    const branches = this.#branches(key, hostId).map((b) => `${b.test}; then printf '%s\\n' "$__s"; ${b.print}; __q=1`);
    if (branches.length === 0) return undefined;
    return `if [ -n "\${__sg_ok:-}" ]; then ${sharedSigArgs(paths)}; __s="$*"\n  if ${branches.join('\n  elif ')}\n  fi\nfi`;
  }

  /**
   * Real runs, after an exec's steps wrote `paths`: a subshell that records the fact's answer for the files as
   * they are now in the host's index, so the next run does not hash what this one wrote. Only for files smaller
   * than MIN_CACHED_BYTES (their hash costs next to nothing here; a large one is hashed once by the next run's
   * probe, which records it then). Undefined where the probe would not record (--check, not as root, no index).
   */
  recordAfterWrite(key: string, paths: readonly string[], script: string, hostId: string | undefined): string | undefined {
    const dir = this.#recordDir(hostId);
    if (dir === undefined || hostId === undefined || paths.length === 0) return undefined;
    const sig = `__s=$(stat -L -c '${SIG_FORMAT}' -- ${paths.map((p) => quote(p)).join(' ')} 2>/dev/null); set -- $__s`;
    const small = `[ $# -eq ${paths.length} ] || exit 0; for __w; do [ "\${__w%%.*}" -lt ${MIN_CACHED_BYTES} ] || exit 0; done`;
    return `(${sig}; ${small}; __s="$*"\n${indexRecord(dir, hostId, script)}\n) </dev/null >/dev/null 2>&1`;
  }

  /** The host's index directory when the probe records its fresh answers there itself. */
  #recordDir(hostId: string | undefined): string | undefined {
    return this.#record && hostId !== undefined ? this.#hostDir : undefined;
  }

  /** The answers `wrap` gives without running the script: the workstation's (CACHED), the host index's (HOSTED). */
  #branches(key: string, hostId: string | undefined): { test: string; print: string }[] {
    const known = this.#entries[key]?.sig;
    const dir = hostId !== undefined && this.#hostDir ? this.#hostDir : undefined;
    const out: { test: string; print: string }[] = [];
    // known here but missing from the host's index (a workstation older than it): say so, so the run records it
    const missing = dir ? `; [ -r ${quote(`${dir}/${hostId}`)} ] || printf '%s' ${MISSING}` : '';
    if (known !== undefined) out.push({ test: `[ "$__s" = ${quote(known)} ]`, print: `printf '%s' ${CACHED}${missing}` });
    if (dir && hostId !== undefined) out.push({ test: indexMatch(dir, hostId), print: `printf '%s%s' ${HOSTED} "$__hp"` });
    return out;
  }

  /** Undo `wrap`: the real result (cached, from the host's index, or fresh), remembering new ones. */
  unwrap(key: string, r: ExecResult, hostId?: string, host?: string): ExecResult {
    const nl = r.stdout.indexOf('\n');
    const sig = nl < 0 ? r.stdout : r.stdout.slice(0, nl);
    const rest = nl < 0 ? '' : r.stdout.slice(nl + 1);
    const cached = this.#entries[key];
    if ((rest === CACHED || rest === CACHED + MISSING) && cached && cached.sig === sig) {
      if (rest !== CACHED && hostId !== undefined && this.#hostDir)
        this.#pending.set(hostId, { sig, payload: encodeResult(cached.result) });
      return cached.result;
    }
    const hosted = rest.startsWith(HOSTED);
    const result: ExecResult = hosted ? decodeResult(rest.slice(HOSTED.length), host) : { code: r.code, stdout: rest, stderr: r.stderr };
    // A signature with a missing file (fewer fields) is not worth remembering.
    if (sig.trim().length > 0 && result.code === 0 && !sig.includes('  ')) {
      // the workstation keeps only large files' answers; the host's own root-only index keeps every answer (it
      // lives beside the files it describes, so it discloses nothing a reader of the index could not read anyway)
      if (worthCaching(sig)) {
        this.#entries[key] = { sig, result };
        this.#dirty = true;
      }
      // a real run's probe recorded it itself, unless the fact said something on stderr; otherwise it waits for the
      // next exec of steps or the run's end (which writes nothing under --check)
      const recorded = this.#record && result.stderr === '';
      if (!hosted && hostId !== undefined && this.#hostDir && !recorded) this.#pending.set(hostId, { sig, payload: encodeResult(result) });
    }
    return result;
  }

  /** The script that records the answers the probe could not record itself (real runs: the next exec of steps or the run's end), or undefined. */
  takeHostWrites(): string | undefined {
    if (!this.#hostDir || this.#pending.size === 0) return undefined;
    const script = indexWriteScript(this.#hostDir, this.#pending);
    this.#pending.clear();
    return script;
  }

  save(): void {
    if (!this.#file || !this.#dirty) return;
    mkdirSync(dirname(this.#file), { recursive: true, mode: 0o700 });
    chmodSync(dirname(this.#file), 0o700);
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.#entries), { mode: 0o600 });
    renameSync(tmp, this.#file);
    this.#dirty = false;
  }
}
