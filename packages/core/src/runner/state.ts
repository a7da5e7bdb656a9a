import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Durable notifications: "task X on host H must run its notified behaviour" survives a failed or
 * killed run. Stored on the workstation (never on hosts), one JSON file per playbook, written
 * atomically, keyed by task id. A read-only store (check mode) reads them and never writes.
 * Like the rest of the workstation state: the file is 0600 in a 0700 directory (issue 25).
 */
export class NotificationStore {
  readonly #file: string | undefined;
  readonly #readOnly: boolean;
  #pending: Record<string, string[]>;

  constructor(dir: string | undefined, playbook: string, opts: { readOnly?: boolean } = {}) {
    this.#file = dir ? join(dir, `${playbook.replace(/[^A-Za-z0-9_.-]/g, '_')}.notify.json`) : undefined;
    this.#readOnly = opts.readOnly ?? false;
    this.#pending = {};
    if (this.#file) {
      try {
        this.#pending = JSON.parse(readFileSync(this.#file, 'utf8')) as Record<string, string[]>;
      } catch {
        this.#pending = {};
      }
    }
  }

  has(host: string, key: string): boolean {
    return this.#pending[host]?.includes(key) ?? false;
  }

  add(host: string, key: string): void {
    if (this.#readOnly || this.has(host, key)) return;
    (this.#pending[host] ??= []).push(key);
    this.#save();
  }

  clear(host: string, key: string): void {
    if (this.#readOnly || !this.has(host, key)) return;
    this.#pending[host] = (this.#pending[host] ?? []).filter((k) => k !== key);
    if (this.#pending[host]?.length === 0) delete this.#pending[host];
    this.#save();
  }

  #save(): void {
    if (!this.#file) return;
    const dir = join(this.#file, '..');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const tmp = `${this.#file}.tmp-${process.pid}`;
    // A leftover temp file of a killed run keeps its old mode through writeFileSync: start from a new one.
    rmSync(tmp, { force: true });
    writeFileSync(tmp, JSON.stringify(this.#pending, null, 2), { mode: 0o600, flag: 'wx' });
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.#file);
  }
}
