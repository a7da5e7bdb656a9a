import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExecResult } from './connection.js';
import { quote } from './sh.js';

/**
 * Fact results that depend only on the content of some files (a sha256, the member list of an
 * archive) are remembered on the workstation with the files' stat signature (size, mtime and
 * ctime in ns, inode: git's index idea). The probe then re-checks the signature on the host and
 * only recomputes when any field differs, so unchanged 38 MB binaries are not re-hashed on every
 * run. Never written to the host, so --check still mutates nothing.
 */
export const SIG_FORMAT = '%s.%.9Y.%.9Z.%i';
const CACHED = '__tsplay_cached__';

interface Entry {
  sig: string;
  result: ExecResult;
}

export class SigCache {
  readonly #file: string | undefined;
  #entries: Record<string, Entry>;
  #dirty = false;

  constructor(file?: string) {
    this.#file = file;
    this.#entries = {};
    if (file) {
      try {
        this.#entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Entry>;
      } catch {
        this.#entries = {};
      }
    }
  }

  /** Wrap a fact script: print the signature line, then either the cached marker or the real output. */
  wrap(key: string, paths: readonly string[], script: string): string {
    const known = this.#entries[key]?.sig;
    // one line of signatures, joined by the shell's own word splitting (no pipe, no tr: one process less per fact)
    const sig = `__s=$(stat -L -c '${SIG_FORMAT}' -- ${paths.map((p) => quote(p)).join(' ')} 2>/dev/null); set -- $__s; __s="$*"; printf '%s\\n' "$__s"`;
    if (known === undefined) return `${sig}\n${script}`;
    return `${sig}\nif [ "$__s" = ${quote(known)} ]; then printf '%s' ${CACHED}; else\n${script}\nfi`;
  }

  /** Undo `wrap`: the real result (cached or fresh), remembering fresh ones. */
  unwrap(key: string, r: ExecResult): ExecResult {
    const nl = r.stdout.indexOf('\n');
    const sig = nl < 0 ? r.stdout : r.stdout.slice(0, nl);
    const rest = nl < 0 ? '' : r.stdout.slice(nl + 1);
    const cached = this.#entries[key];
    if (rest === CACHED && cached && cached.sig === sig) return cached.result;
    const result: ExecResult = { code: r.code, stdout: rest, stderr: r.stderr };
    // A signature with a missing file (fewer fields) is not worth remembering.
    if (sig.trim().length > 0 && r.code === 0 && !sig.includes('  ')) {
      this.#entries[key] = { sig, result };
      this.#dirty = true;
    }
    return result;
  }

  save(): void {
    if (!this.#file || !this.#dirty) return;
    mkdirSync(dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.#entries));
    renameSync(tmp, this.#file);
    this.#dirty = false;
  }
}
