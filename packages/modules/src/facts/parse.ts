/** What the `facts` module gathers about a host (like Ansible's setup), typed. */
export interface HostFacts {
  os: string;
  distribution: { id: string; version: string; codename: string; prettyName: string };
  kernel: string;
  architecture: string;
  cpus: number;
  memory: { totalBytes: number; availableBytes: number };
  hostname: string;
  fqdn: string;
  interfaces: { name: string; up: boolean; addresses: { family: 'inet' | 'inet6'; address: string; prefix: number }[] }[];
}

function sections(out: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let cur = '';
  for (const line of out.split('\n')) {
    const s = /^== (\w+)$/.exec(line);
    if (s) m.set((cur = s[1] as string), []);
    else if (cur) m.get(cur)?.push(line);
  }
  return m;
}

function osRelease(lines: readonly string[]): Record<string, string> {
  const kv: Record<string, string> = {};
  for (const l of lines) {
    const m = /^([A-Z_]+)=(.*)$/.exec(l);
    if (m) kv[m[1] as string] = (m[2] as string).replace(/^"(.*)"$/, '$1');
  }
  return kv;
}

function meminfo(lines: readonly string[], key: string): number {
  const l = lines.find((x) => x.startsWith(`${key}:`));
  return Number(/(\d+)/.exec(l ?? '')?.[1] ?? 0) * 1024;
}

/** `ip -o addr` lines -> interfaces with addresses; `ip -o link` says which are up. */
function interfaces(addr: readonly string[], link: readonly string[]): HostFacts['interfaces'] {
  const out = new Map<string, HostFacts['interfaces'][number]>();
  for (const l of link) {
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>/.exec(l);
    if (m) out.set(m[1] as string, { name: m[1] as string, up: (m[2] as string).split(',').includes('UP'), addresses: [] });
  }
  for (const l of addr) {
    const m = /^\d+:\s+(\S+)\s+(inet6?)\s+([^/\s]+)\/(\d+)/.exec(l);
    if (!m) continue;
    const name = m[1] as string;
    const itf = out.get(name) ?? { name, up: false, addresses: [] };
    itf.addresses.push({ family: m[2] as 'inet' | 'inet6', address: m[3] as string, prefix: Number(m[4]) });
    out.set(name, itf);
  }
  return [...out.values()];
}

/** Parse the facts probe (sections `== name`). Exported for tests. */
export function parseHostFacts(out: string): HostFacts {
  const s = sections(out);
  const get = (k: string) => s.get(k) ?? [];
  const one = (k: string) => (get(k)[0] ?? '').trim();
  const rel = osRelease(get('osrelease'));
  return {
    os: one('os'),
    distribution: {
      id: rel.ID ?? '',
      version: rel.VERSION_ID ?? '',
      codename: rel.VERSION_CODENAME ?? '',
      prettyName: rel.PRETTY_NAME ?? '',
    },
    kernel: one('kernel'),
    architecture: one('arch'),
    cpus: Number(one('cpus')) || 0,
    memory: { totalBytes: meminfo(get('meminfo'), 'MemTotal'), availableBytes: meminfo(get('meminfo'), 'MemAvailable') },
    hostname: one('hostname'),
    fqdn: one('fqdn') || one('hostname'),
    interfaces: interfaces(get('addr'), get('link')),
  };
}
