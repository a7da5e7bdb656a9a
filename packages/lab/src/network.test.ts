import { describe, expect, test } from 'vitest';
import { BRIDGE_ADDRESS, hostNetworkBatches, hostPort, insideScript, ROOT_ADDRESS } from './network.js';
import { LAB_PREFIX, labHost, MAX_HOSTS, type LabHost } from './paths.js';

describe('hostNetworkBatches', () => {
  test('namespaces, veths onto br0 and each host inside config, as ip -batch lines', () => {
    const b = hostNetworkBatches([labHost(0), labHost(1)]);
    expect(b.root).toBe(
      'netns add tsplay-h0\nlink add tl-h0 netns tsplay-lab type veth peer name eth0 netns tsplay-h0\n' +
        'netns add tsplay-h1\nlink add tl-h1 netns tsplay-lab type veth peer name eth0 netns tsplay-h1\n',
    );
    expect(b.bridge).toBe('link set tl-h0 master br0 up\nlink set tl-h1 master br0 up\n');
    expect(b.inside(labHost(1))).toBe(
      'link set lo up\naddr add 10.240.0.11/21 dev eth0\nlink set eth0 up\nroute add 169.254.169.254 via 10.240.0.1\n',
    );
  });

  test('MAX_HOSTS hosts: distinct names, ports and addresses in 10.240.0.0/21, the bridge (.1) and the root veth (0.254) free', () => {
    const hosts = Array.from({ length: MAX_HOSTS }, (_, i) => labHost(i));
    expect(MAX_HOSTS).toBe(1000);
    expect(hosts.slice(0, 3).map((h) => [h.name, h.address])).toEqual([
      ['controller-0', '10.240.0.10'],
      ['controller-1', '10.240.0.11'],
      ['controller-2', '10.240.0.12'],
    ]);
    // the first 200 (the lab before 1,000 hosts) keep their addresses
    expect(hosts[199]?.address).toBe('10.240.0.209');
    expect(hosts[239]?.address).toBe('10.240.0.249');
    expect(hosts[240]?.address).toBe('10.240.1.10');
    expect(hosts.at(-1)?.name).toBe('controller-999');
    expect(hosts.at(-1)?.address).toBe('10.240.4.49');
    for (const key of ['name', 'address', 'netns', 'cgroup'] as const) expect(new Set(hosts.map((h) => h[key])).size).toBe(MAX_HOSTS);
    for (const h of hosts) {
      const [a, b, c, d] = h.address.split('.').map(Number) as [number, number, number, number];
      expect([a, b]).toEqual([10, 240]);
      expect(c).toBeLessThan(2 ** (24 - LAB_PREFIX)); // inside 10.240.0.0/21
      expect(d).toBeGreaterThanOrEqual(10);
      expect(d).toBeLessThan(250);
    }
    expect(ROOT_ADDRESS).toBe('10.240.0.254/21');
    expect(BRIDGE_ADDRESS).toBe('10.240.0.1/21');
    // Linux interface names are at most 15 bytes; br0 holds at most 1,023 ports, one of them the root veth
    expect(Math.max(...hosts.map((h) => hostPort(h).length))).toBeLessThanOrEqual(15);
    expect(MAX_HOSTS + 1).toBeLessThanOrEqual(1023);
    const b = hostNetworkBatches(hosts);
    expect(b.root.split('\n').filter(Boolean)).toHaveLength(2 * MAX_HOSTS);
    expect(b.inside(hosts[999] as LabHost)).toContain('addr add 10.240.4.49/21 dev eth0');
  });

  test('one script configures every host inside its namespace, one quoted here-document each', () => {
    const hosts = [labHost(0), labHost(240)];
    const b = hostNetworkBatches(hosts);
    expect(insideScript(hosts, b.inside)).toBe(
      "ip -n tsplay-h0 -batch - <<'TSPLAY_LAB_EOF'\n" +
        'link set lo up\naddr add 10.240.0.10/21 dev eth0\nlink set eth0 up\nroute add 169.254.169.254 via 10.240.0.1\n' +
        'TSPLAY_LAB_EOF\n' +
        "ip -n tsplay-h240 -batch - <<'TSPLAY_LAB_EOF'\n" +
        'link set lo up\naddr add 10.240.1.10/21 dev eth0\nlink set eth0 up\nroute add 169.254.169.254 via 10.240.0.1\n' +
        'TSPLAY_LAB_EOF\n',
    );
  });
});
