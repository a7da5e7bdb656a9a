import { describe, expect, test } from 'vitest';
import { hostNetworkBatches } from './network.js';
import { labHost, MAX_HOSTS } from './paths.js';

describe('hostNetworkBatches', () => {
  test('namespaces, veths onto br0 and each host inside config, as ip -batch lines', () => {
    const b = hostNetworkBatches([labHost(0), labHost(1)]);
    expect(b.root).toBe(
      'netns add tsplay-h0\nlink add tl-h0 netns tsplay-lab type veth peer name eth0 netns tsplay-h0\n' +
        'netns add tsplay-h1\nlink add tl-h1 netns tsplay-lab type veth peer name eth0 netns tsplay-h1\n',
    );
    expect(b.bridge).toBe('link set tl-h0 master br0 up\nlink set tl-h1 master br0 up\n');
    expect(b.inside(labHost(1))).toBe(
      'link set lo up\naddr add 10.240.0.11/24 dev eth0\nlink set eth0 up\nroute add 169.254.169.254 via 10.240.0.1\n',
    );
  });

  test('200 hosts fit the /24 below the root veth (.254) with distinct names, ports and addresses', () => {
    const hosts = Array.from({ length: MAX_HOSTS }, (_, i) => labHost(i));
    expect(hosts.at(-1)?.address).toBe('10.240.0.209');
    expect(hosts.at(-1)?.name).toBe('controller-199');
    for (const key of ['name', 'address', 'netns', 'cgroup'] as const) expect(new Set(hosts.map((h) => h[key])).size).toBe(MAX_HOSTS);
    const last = Number(hosts.at(-1)?.address.split('.')[3]);
    expect(last).toBeLessThan(254);
    // Linux interface names are at most 15 bytes
    expect(Math.max(...hosts.map((h) => `tl-h${h.index}`.length))).toBeLessThanOrEqual(15);
    expect(hostNetworkBatches(hosts).root.split('\n').filter(Boolean)).toHaveLength(2 * MAX_HOSTS);
  });
});
