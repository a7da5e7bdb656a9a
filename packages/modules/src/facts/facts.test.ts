import { describe, expect, it } from 'vitest';
import { ok, run } from '../common/testing.js';
import { factTable } from '../kit/harness.js';
import { hostFactsFact } from './facts.js';
import { facts, type HostFacts } from './index.js';

const OUT = `== os
Linux
== kernel
6.1.0-18-amd64
== arch
x86_64
== cpus
2
== meminfo
MemTotal:        4028440 kB
MemAvailable:    3000000 kB
== hostname
controller-0
== fqdn
controller-0.lab
== osrelease
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
VERSION_ID="12"
VERSION_CODENAME=bookworm
ID=debian
== addr
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
1: lo    inet6 ::1/128 scope host noprefixroute \\       valid_lft forever preferred_lft forever
2: eth0    inet 10.240.0.10/24 brd 10.240.0.255 scope global eth0\\       valid_lft forever preferred_lft forever
== link
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: eth0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether aa:bb:cc:dd:ee:ff brd ff:ff:ff:ff:ff:ff
`;

factTable<HostFacts>(
  hostFactsFact(),
  [
    {
      name: 'a bookworm lab host',
      result: { stdout: OUT },
      value: {
        os: 'Linux',
        distribution: { id: 'debian', version: '12', codename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
        kernel: '6.1.0-18-amd64',
        architecture: 'x86_64',
        cpus: 2,
        memory: { totalBytes: 4028440 * 1024, availableBytes: 3000000 * 1024 },
        hostname: 'controller-0',
        fqdn: 'controller-0.lab',
        interfaces: [
          {
            name: 'lo',
            up: true,
            addresses: [
              { family: 'inet', address: '127.0.0.1', prefix: 8 },
              { family: 'inet6', address: '::1', prefix: 128 },
            ],
          },
          { name: 'eth0', up: true, addresses: [{ family: 'inet', address: '10.240.0.10', prefix: 24 }] },
        ],
      },
    },
  ],
  { it, expect },
);

describe('facts on the local host', () => {
  it('reads this machine (independent oracle: node:os)', async () => {
    const os = await import('node:os');
    const e = ok(await run(facts, {}));
    const f = e.outcome.data as HostFacts;
    expect(e.outcome.changed).toBe(false);
    expect(f.kernel).toBe(os.release());
    expect(f.hostname).toBe(os.hostname());
    expect(f.cpus).toBe(os.availableParallelism());
    expect(Math.abs(f.memory.totalBytes - os.totalmem())).toBeLessThan(1024 * 1024);
    expect(f.interfaces.find((i) => i.name === 'lo')?.addresses[0]?.address).toBe('127.0.0.1');
  });
});
