/**
 * The KTHW controllers as a tsplay inventory: a static form (external IPs as placeholders) and a
 * dynamic one built from `gcloud compute instances list --format=json` output. Building an
 * inventory never opens a connection.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TsplayError, type InventoryFile } from '@tsplay/core';
import { z } from 'zod';

export interface GcpInventoryOptions {
  /** SSH user: `gcloud compute ssh` logs in as the local user name. */
  user?: string;
  /** The key `gcloud compute ssh` made. */
  privateKeyPath?: string;
  /** Where `gcloud compute ssh` records the instances' host keys. */
  knownHosts?: string;
  /** Network tag of the controllers (KTHW tags them `controller`). */
  tag?: string;
  /** Inventory group of the controllers (the etcd play's hosts). */
  group?: string;
}

export interface Controller {
  name: string;
  /** Where SSH connects: the external (NAT) IP. */
  address: string;
  /** networkInterfaces[0].networkIP: the etcd peer/client address. */
  internalIp: string;
  /** The instance id: `gcloud compute ssh` records the host key under `compute.<id>`. */
  id?: string | undefined;
}

function defaults(o: GcpInventoryOptions) {
  return {
    user: o.user ?? process.env.USER ?? 'CHANGE_ME',
    privateKeyPath: o.privateKeyPath ?? join(homedir(), '.ssh', 'google_compute_engine'),
    knownHosts: o.knownHosts ?? join(homedir(), '.ssh', 'google_compute_known_hosts'),
    group: o.group ?? 'controllers',
  };
}

/** The inventory for a list of controllers. */
export function controllersInventory(controllers: readonly Controller[], o: GcpInventoryOptions = {}): InventoryFile {
  const d = defaults(o);
  const sorted = [...controllers].sort((a, b) => a.name.localeCompare(b.name));
  return {
    defaults: {
      user: d.user,
      port: 22,
      privateKeyPath: d.privateKeyPath,
      knownHosts: d.knownHosts,
      hostKeyChecking: 'strict',
      connection: 'ssh',
    },
    // gcloud runs ssh with HostKeyAlias=compute.<id>, so its known_hosts has the key under that name, not the address
    hosts: Object.fromEntries(
      sorted.map((c) => [
        c.name,
        { address: c.address, ...(c.id ? { hostKeyAlias: `compute.${c.id}` } : {}), vars: { internalIp: c.internalIp } },
      ]),
    ),
    groups: { [d.group]: { hosts: sorted.map((c) => c.name) } },
  };
}

/** KTHW chapter 03's controllers; the external IPs are placeholders until `gcloud compute instances list` says. */
export const KTHW_CONTROLLERS: readonly Controller[] = [0, 1, 2].map((i) => ({
  name: `controller-${i}`,
  address: `EXTERNAL_IP_OF_CONTROLLER_${i}`,
  internalIp: `10.240.0.1${i}`,
}));

const instanceSchema = z.object({
  name: z.string().min(1),
  id: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).optional(),
  status: z.string().optional(),
  tags: z.object({ items: z.array(z.string()).optional() }).optional(),
  networkInterfaces: z
    .array(
      z.object({
        networkIP: z.string().min(1),
        accessConfigs: z.array(z.object({ natIP: z.string().optional() })).optional(),
      }),
    )
    .min(1),
});

/** `gcloud compute instances list --format=json` -> the inventory of the instances tagged `controller`. */
export function inventoryFromGcloud(json: unknown, o: GcpInventoryOptions = {}): InventoryFile {
  const parsed = z.array(z.unknown()).safeParse(json);
  if (!parsed.success) {
    throw new TsplayError('INVENTORY_INVALID', 'gcloud output is not a JSON list of instances', {
      hint: 'use `gcloud compute instances list --format=json`',
    });
  }
  const tag = o.tag ?? 'controller';
  const controllers: Controller[] = [];
  parsed.data.forEach((raw, i) => {
    const r = instanceSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new TsplayError(
        'INVENTORY_INVALID',
        `gcloud instance #${i}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
        {
          field: `[${i}].${issue?.path.join('.') ?? ''}`,
          hint: 'expected the fields of `gcloud compute instances list --format=json`',
        },
      );
    }
    const inst = r.data;
    if (!(inst.tags?.items ?? []).includes(tag)) return;
    const nic = inst.networkInterfaces[0];
    const natIP = nic?.accessConfigs?.[0]?.natIP;
    if (!nic || !natIP) {
      throw new TsplayError('INVENTORY_INVALID', `instance ${inst.name} has no external IP (networkInterfaces[0].accessConfigs[0].natIP)`, {
        hint: 'KTHW reaches the controllers over their external IPs; is the instance stopped?',
      });
    }
    controllers.push({
      name: inst.name,
      address: natIP,
      internalIp: nic.networkIP,
      id: inst.id === undefined ? undefined : String(inst.id),
    });
  });
  if (controllers.length === 0) {
    throw new TsplayError('INVENTORY_INVALID', `no instance in the gcloud output has the network tag ${tag}`, {
      hint: 'KTHW creates the controllers with --tags kubernetes-the-hard-way,controller',
    });
  }
  return controllersInventory(controllers, o);
}
