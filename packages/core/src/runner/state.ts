import { mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Durable notifications: "task X on host H must run its notified behaviour" survives a failed or
 * killed run. Stored on the workstation (never on hosts), one JSON file per playbook, written atomically.
 */
export class NotificationStore {
  readonly #file: string | undefined;
  #pending: Record<string, string[]>;

  constructor(dir: string | undefined, playbook: string) {
    this.#file = dir ? join(dir, `${playbook.replace(/[^A-Za-z0-9_.-]/g, '_')}.notify.json`) : undefined;
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
    if (this.has(host, key)) return;
    (this.#pending[host] ??= []).push(key);
    this.#save();
  }

  clear(host: string, key: string): void {
    if (!this.has(host, key)) return;
    this.#pending[host] = (this.#pending[host] ?? []).filter((k) => k !== key);
    if (this.#pending[host]?.length === 0) delete this.#pending[host];
    this.#save();
  }

  #save(): void {
    if (!this.#file) return;
    const dir = join(this.#file, '..');
    mkdirSync(dir, { recursive: true });
    const tmp = `${this.#file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(this.#pending, null, 2));
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.#file);
  }
}
