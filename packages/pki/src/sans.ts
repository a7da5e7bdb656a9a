/** The KTHW chapter-04 names of the `kubernetes` certificate (the API server's service IP and DNS names). */
export const KTHW_KUBERNETES_IPS = ['10.32.0.1', '127.0.0.1'] as const;
export const KTHW_KUBERNETES_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster',
  'kubernetes.svc.cluster.local',
] as const;

export interface SanHost {
  name: string;
  address: string;
  vars: Record<string, unknown>;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The SANs of the KTHW `kubernetes` certificate for these hosts: each host's internal IP (`internalIp`,
 * else its address when that is an IP), its inventory name and `etcdName`, 127.0.0.1, 10.32.0.1 and the
 * kubernetes service names. Sorted, without duplicates.
 */
export function kubernetesSans(hosts: readonly SanHost[]): { ips: string[]; dnsNames: string[] } {
  const ips = new Set<string>(KTHW_KUBERNETES_IPS);
  const dnsNames = new Set<string>(KTHW_KUBERNETES_NAMES);
  for (const h of hosts) {
    const ip = str(h.vars.internalIp) ?? (IPV4.test(h.address) ? h.address : undefined);
    if (ip) ips.add(ip);
    if (!IPV4.test(h.address) && h.address !== 'localhost') dnsNames.add(h.address);
    dnsNames.add(h.name);
    const etcdName = str(h.vars.etcdName);
    if (etcdName) dnsNames.add(etcdName);
  }
  return { ips: [...ips].sort(), dnsNames: [...dnsNames].sort() };
}
