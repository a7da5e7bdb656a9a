import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { TsplayError } from '../errors.js';
import { parseYaml11 } from './yaml11.js';

/**
 * Ansible's `host_group_vars` plugin: for an entity (a group or a host) in a base directory, the
 * first of `group_vars/NAME`, `NAME.yml`, `NAME.yaml`, `NAME.json` that exists; a directory is
 * read whole (files in name order, subdirectories recursively, hidden files and `~` backups
 * skipped, only files without an extension or with .yml/.yaml/.json). Later files win, key by key.
 */
const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

export type VarsKind = 'group_vars' | 'host_vars';

export function findVarsFiles(baseDir: string, kind: VarsKind, name: string): string[] {
  const dir = join(baseDir, kind);
  if (name.startsWith('/') || !isDir(dir)) return [];
  for (const ext of EXTENSIONS) {
    const p = join(dir, name + ext);
    if (!existsSync(p)) continue;
    return isDir(p) ? dirFiles(p) : [p];
  }
  return [];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function dirFiles(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (f.startsWith('.') || f.endsWith('~')) continue;
    const p = join(dir, f);
    const ext = extname(f);
    if (isDir(p) && !ext) out.push(...dirFiles(p));
    else if (!isDir(p) && (!ext || EXTENSIONS.includes(ext))) out.push(p);
  }
  return out;
}

const cache = new Map<string, { mtimeMs: number; vars: Record<string, unknown> }>();

/**
 * The vars of encrypted files, decrypted by `loadInventory`'s hook before the (synchronous)
 * resolution: set for the duration of one resolution only, never in the mtime cache.
 */
let decrypted: ReadonlyMap<string, Record<string, unknown>> = new Map();

/** Resolve with these decrypted files in view (the resolution is synchronous: no other load interleaves). */
export function withDecrypted<T>(files: ReadonlyMap<string, Record<string, unknown>>, f: () => T): T {
  const prev = decrypted;
  decrypted = files;
  try {
    return f();
  } finally {
    decrypted = prev;
  }
}

export const ENCRYPTED_HINT =
  'give the key: --vault-password-file FILE, --vault-id label@FILE or --ask-vault-pass (Ansible Vault), --age-identity FILE or TSPLAY_AGE_IDENTITY (age)';

/** The decrypted vars of a hook, as a vars file's: a mapping (empty for null). */
export function varsOf(data: unknown, file: string): Record<string, unknown> {
  if (data === null || data === undefined || data === '' || data === false) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new TsplayError(
      'INVENTORY_INVALID',
      `${file}: a vars file must hold a mapping of names to values, got ${Array.isArray(data) ? 'a list' : typeof data}`,
      {
        file,
        hint: 'write `name: value` lines (YAML) or a JSON object',
      },
    );
  return data as Record<string, unknown>;
}

/** One vars file: JSON when it parses as JSON, else YAML as Ansible reads it; empty files add nothing. */
export function readVarsFile(file: string): Record<string, unknown> {
  const opened = decrypted.get(file);
  if (opened) return opened;
  const mtimeMs = statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.vars;
  const text = readFileSync(file, 'utf8');
  if (/^(?:\$ANSIBLE_VAULT;|age-encryption\.org\/|-----BEGIN AGE ENCRYPTED FILE-----)/.test(text))
    throw new TsplayError('INVENTORY_ENCRYPTED_VARS', `${file}: an encrypted vars file, and no key to decrypt it`, {
      file,
      hint: ENCRYPTED_HINT,
    });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = parseYaml11(text, file);
  }
  const vars = varsOf(data, file);
  cache.set(file, { mtimeMs, vars });
  return vars;
}

/** The merged vars of every entity in `names`, in that order, from `<baseDir>/<kind>/` (`memo` saves the lookups of one load). */
export function varsFromDir(
  baseDir: string,
  kind: VarsKind,
  names: readonly string[],
  memo = new Map<string, Record<string, unknown>>(),
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) {
    const key = `${baseDir}\0${kind}\0${n}`;
    let vars = memo.get(key);
    if (!vars) {
      vars = {};
      for (const f of findVarsFiles(baseDir, kind, n)) Object.assign(vars, readVarsFile(f));
      memo.set(key, vars);
    }
    Object.assign(out, vars);
  }
  return out;
}
