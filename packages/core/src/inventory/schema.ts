import { isIP } from 'node:net';
import { z } from 'zod';
import { isSecret, type Secret } from '../secret.js';

/** A DNS label; letters may be any script's (an internationalised name, as Ansible accepts). */
const LABEL = /^[\p{L}\p{N}_](?:[\p{L}\p{N}_-]{0,61}[\p{L}\p{N}_])?$/u;

/** An IPv4/IPv6 address, or a DNS name (labels of letters, digits, _ and inner -; all-numeric names must be IPv4). */
export function isHostAddress(s: string): boolean {
  if (isIP(s) !== 0) return true;
  if (s.length === 0 || s.length > 253 || /^[\d.]+$/.test(s)) return false;
  return s
    .replace(/\.$/, '')
    .split('.')
    .every((l) => LABEL.test(l));
}

const hostname = z.string().refine(isHostAddress, {
  message: 'not a valid IPv4/IPv6 address or host name (e.g. 10.240.0.10 or controller-0.example.internal)',
});

/** Connection settings: in `defaults`, and per host. */
export const connectionFields = {
  address: hostname.optional(),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().min(1).optional(),
  privateKeyPath: z.string().min(1).optional(),
  knownHosts: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  hostKeyChecking: z.enum(['strict', 'accept-new']).optional(),
  connection: z.enum(['ssh', 'local']).optional(),
  become: z.union([z.boolean(), z.string()]).optional(),
  /** How become gains privileges: sudo (default), su or doas. */
  becomeMethod: z.enum(['sudo', 'su', 'doas']).optional(),
  /** The become password: a Secret (e.g. from vault) or a string (made a Secret on load). */
  becomePassword: z.union([z.string(), z.custom<Secret>(isSecret, { message: 'a string or a Secret' })]).optional(),
  /** The become program's path (Ansible's `ansible_become_exe`). */
  becomeExe: z.string().min(1).optional(),
  connectTimeoutMs: z.number().int().positive().optional(),
  /** Tries of the SSH dial when it fails transiently (handshake timeout, refused, reset); ssh config `ConnectionAttempts`; default 1. */
  connectionAttempts: z.number().int().positive().max(100).optional(),
  /** Seconds between SSH keepalives (ssh config `ServerAliveInterval`; default 5). */
  serverAliveInterval: z.number().positive().max(3600).optional(),
  /** Keepalives without an answer before the host counts as gone (`ServerAliveCountMax`; default 3). */
  serverAliveCountMax: z.number().int().min(1).max(100).optional(),
  /** An ssh config file to read instead of ~/.ssh/config. */
  sshConfigFile: z.string().min(1).optional(),
  /** Name the host key is looked up (and recorded) under in known_hosts instead of the address (`HostKeyAlias`). */
  hostKeyAlias: z
    .string()
    .min(1)
    .regex(/^[^\s,*?!]+$/, 'one name without spaces, commas or wildcards')
    .optional(),
};

const varsSchema = z.record(z.string(), z.unknown());

export const hostEntrySchema = z.strictObject({ ...connectionFields, vars: varsSchema.optional() });

export const groupSchema = z.strictObject({
  hosts: z.array(z.string().min(1)).default([]),
  vars: varsSchema.optional(),
  children: z.array(z.string().min(1)).optional(),
});

export const inventoryFileSchema = z.strictObject({
  defaults: z.strictObject(connectionFields).optional(),
  vars: varsSchema.optional(),
  hosts: z.record(z.string().regex(/^[^\s,!&*?]+$/u, 'host names have no spaces and none of , ! & * ?'), hostEntrySchema.nullable()),
  groups: z
    .record(z.string().regex(/^[^\s,!&*?:[\]]+$/u, 'group names have no spaces and none of , ! & * ? : [ ]'), groupSchema)
    .optional(),
});

export type InventoryFile = z.input<typeof inventoryFileSchema>;
export type ConnectionSettings = {
  address: string;
  /** Only when the inventory sets it: otherwise ~/.ssh/config's Port (or 22) applies. */
  port?: number | undefined;
  user?: string | undefined;
  privateKeyPath?: string | undefined;
  knownHosts?: string[] | undefined;
  hostKeyChecking: 'strict' | 'accept-new';
  connection: 'ssh' | 'local';
  become?: boolean | string | undefined;
  becomeMethod?: 'sudo' | 'su' | 'doas' | undefined;
  becomePassword?: Secret | undefined;
  becomeExe?: string | undefined;
  connectTimeoutMs?: number | undefined;
  connectionAttempts?: number | undefined;
  serverAliveInterval?: number | undefined;
  serverAliveCountMax?: number | undefined;
  /** Absolute path (relative ones resolve against the inventory's directory). */
  sshConfigFile?: string | undefined;
  hostKeyAlias?: string | undefined;
};

/** A host after merging defaults, groups and vars. */
export interface ResolvedHost extends ConnectionSettings {
  name: string;
  groups: string[];
  vars: Record<string, unknown>;
}

/** What `ansible-inventory --list` prints: groups with their direct `hosts` and `children`, and `_meta.hostvars`. */
export type AnsibleListing = Record<string, { hosts?: string[]; children?: string[] }> & {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
};

export interface Inventory {
  /** File or directory it was loaded from. */
  source: string;
  hosts: ResolvedHost[];
  groups: Record<string, string[]>;
  /** The same hosts, groups and vars as `ansible-inventory --list` prints them (`tsplay inventory --format ansible`). */
  ansible?: AnsibleListing | undefined;
}

/** Identity helper for TS inventories: `export default defineInventory({...})` is type-checked. */
export function defineInventory(inv: InventoryFile): InventoryFile {
  return inv;
}
