/**
 * The role's steps 5-6 and how it names the members: INTERNAL_IP from the GCE metadata server and ETCD_NAME
 * from `hostname -s` (the seed path), unless the inventory says. Another host's vars are checked here with
 * the schemas of vars.ts, because they reach this host's etcd.service (--initial-cluster).
 */
import { TsplayError, type HostInfo } from '@tsplay/core';
import { command } from '@tsplay/modules';
import { METADATA_IP_URL, str, t, type Ctx, type Namer } from './role-common.js';
import { ipv4, word } from './schemas.js';
import type { EtcdMember } from './unit.js';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function probeTasks(n: Namer) {
  // 5. INTERNAL_IP=$(curl -H 'Metadata-Flavor: Google' .../network-interfaces/0/ip), unless the inventory says
  const metadataIp = t(
    command,
    {
      argv: ['curl', '-s', '--max-time', '5', '-H', 'Metadata-Flavor: Google', METADATA_IP_URL],
      readOnly: true,
      retries: 2,
      delayMs: 500,
      failedWhen: (r) => r.code !== 0 || !IPV4.test(r.stdout.trim()),
    },
    { name: n('internal ip from GCE metadata'), when: (c) => c.vars.internalIp === undefined },
  );
  // 6. ETCD_NAME=$(hostname -s), on the seed path (no internalIp and no etcdName in the inventory)
  const hostname = t(
    command,
    { argv: ['hostname', '-s'], readOnly: true, failedWhen: (r) => r.code !== 0 || !/^[A-Za-z0-9._-]+$/.test(r.stdout.trim()) },
    {
      name: n('etcd name from hostname -s'),
      when: (c) => c.vars.internalIp === undefined && c.vars.etcdName === undefined,
    },
  );
  return { metadataIp, hostname };
}

export type Probes = ReturnType<typeof probeTasks>;

/** The role's view of the members, from the inventory or from the probes' answers in this run. */
export interface Membership {
  /** Every member (etcdGroup) with its name and internal IP, as the unit's --initial-cluster lists them. */
  members(c: Ctx): EtcdMember[];
  /** This host as a member. */
  self(c: Ctx): EtcdMember;
}

/** A value another host's vars (or probe) give, checked like this host's own vars. */
function checked(c: Ctx, h: HostInfo, field: 'etcdName' | 'internalIp', v: string): string {
  const r = (field === 'etcdName' ? word(field) : ipv4(field)).safeParse(v);
  if (r.success) return r.data;
  throw new TsplayError('VARS_INVALID', `${field} of member ${h.name}: ${r.error.issues[0]?.message ?? 'invalid'}`, {
    host: c.host.name,
    field,
    hint: `fix ${field} of ${h.name} in the inventory`,
  });
}

/** A host's internal IP: its internalIp var, else its own metadata answer in this run. */
function ipOf(p: Probes, c: Ctx, h: HostInfo): string | undefined {
  const own = h.name === c.host.name;
  const v =
    (own ? c.vars.internalIp : str(h.vars.internalIp)) ??
    (own ? c.result(p.metadataIp) : c.resultOf(h.name, p.metadataIp))?.data?.stdout.trim();
  return v === undefined || v === '' ? undefined : checked(c, h, 'internalIp', v);
}

/** ETCD_NAME: etcdName, else (seed path: no internalIp) `hostname -s` there, else the inventory name. */
function nameOf(p: Probes, c: Ctx, h: HostInfo): string {
  const own = h.name === c.host.name;
  const set = own ? c.vars.etcdName : str(h.vars.etcdName);
  if (set !== undefined) return checked(c, h, 'etcdName', set);
  if ((own ? c.vars.internalIp : str(h.vars.internalIp)) !== undefined) return h.name;
  return checked(c, h, 'etcdName', (own ? c.result(p.hostname) : c.resultOf(h.name, p.hostname))?.data?.stdout.trim() || h.name);
}

function selfIp(p: Probes, c: Ctx): string {
  const ip = ipOf(p, c, c.host);
  if (!ip)
    throw new TsplayError('VARS_INVALID', `no internal IP for ${c.host.name}`, {
      host: c.host.name,
      field: 'internalIp',
      hint: 'set internalIp in the inventory',
    });
  return ip;
}

/** The members: the hosts of etcdGroup with their names and internal IPs (from the inventory or the hosts). */
function membersOf(p: Probes, c: Ctx): EtcdMember[] {
  const hosts = c.hosts(c.vars.etcdGroup);
  if (hosts.length === 0) {
    throw new TsplayError('INVENTORY_INVALID', `the inventory group ${c.vars.etcdGroup} (etcdGroup) has no hosts`, {
      host: c.host.name,
      field: 'etcdGroup',
    });
  }
  return hosts.map((h) => {
    const ip = ipOf(p, c, h);
    if (!ip) {
      throw new TsplayError('VARS_INVALID', `member ${h.name} has no internalIp var`, {
        host: c.host.name,
        field: 'internalIp',
        hint: `--initial-cluster needs every member's internal IP: set internalIp for ${h.name} in the inventory, or run without --limit so that ${h.name} reads it from its metadata server`,
      });
    }
    return { name: nameOf(p, c, h), ip };
  });
}

export function membership(p: Probes): Membership {
  return { members: (c) => membersOf(p, c), self: (c) => ({ name: nameOf(p, c, c.host), ip: selfIp(p, c) }) };
}
