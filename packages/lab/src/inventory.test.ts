import { describe, expect, test } from 'vitest';
import { renderInventory, SCALE_CONNECTION_ATTEMPTS, SCALE_RETRY_ABOVE } from './inventory.js';
import { labHost } from './paths.js';

describe('renderInventory', () => {
  const text = renderInventory({
    hosts: [0, 1, 2].map(labHost),
    privateKey: '/lab/id_ed25519',
    knownHosts: '/lab/known_hosts',
    tarballSha256: 'ab'.repeat(32),
    caCert: '/lab/pki/ca.pem',
    cert: '/lab/pki/kubernetes.pem',
    key: '/lab/pki/kubernetes-key.pem',
  });

  test('has the connection defaults, the etcd vars and one line per host', () => {
    expect(text).toContain('  privateKeyPath: "/lab/id_ed25519"\n  knownHosts: "/lab/known_hosts"\n  hostKeyChecking: strict\n');
    expect(text).toContain('  etcdVersion: "3.4.23"\n');
    expect(text).toContain('  etcdReleaseUrlBase: "https://10.240.0.1:8443/etcd-io/etcd/releases/download"\n');
    expect(text).toContain(`  etcdChecksum: "sha256:${'ab'.repeat(32)}"\n`);
    expect(text).toContain('  etcdKeyFile: "/lab/pki/kubernetes-key.pem"\n');
    expect(text).toContain('  controller-2: { address: 10.240.0.12, vars: { internalIp: "10.240.0.12" } }\n');
    expect(text).toContain('  controllers: { hosts: [controller-0, controller-1, controller-2], vars: {} }\n');
  });

  test('lists the checksum of every served release as etcdChecksums', () => {
    const t = renderInventory({
      hosts: [labHost(0)],
      privateKey: '/k',
      knownHosts: '/k',
      tarballSha256: 'ab'.repeat(32),
      tarballs: { '3.4.23': 'ab'.repeat(32), '3.5.16': 'cd'.repeat(32) },
      caCert: '/c',
      cert: '/c',
      key: '/k',
    });
    expect(t).toContain(`  etcdChecksums:\n    "3.4.23": "sha256:${'ab'.repeat(32)}"\n    "3.5.16": "sha256:${'cd'.repeat(32)}"\n`);
    expect(text).not.toContain('etcdChecksums');
  });

  test('a lab above SCALE_RETRY_ABOVE hosts retries a failed dial; a small one does not', () => {
    const big = renderInventory({
      hosts: Array.from({ length: SCALE_RETRY_ABOVE + 1 }, (_, n) => labHost(n)),
      privateKey: '/k',
      knownHosts: '/k',
      tarballSha256: '00',
      caCert: '/c',
      cert: '/c',
      key: '/k',
    });
    expect(big).toContain(`  connection: ssh\n  connectionAttempts: ${SCALE_CONNECTION_ATTEMPTS}\nvars:`);
    expect(text).not.toContain('connectionAttempts');
  });

  test('quotes paths as YAML double-quoted strings', () => {
    const odd = renderInventory({
      hosts: [labHost(0)],
      privateKey: '/tmp/a "b"/key',
      knownHosts: '/k',
      tarballSha256: '00',
      caCert: '/c',
      cert: '/c',
      key: '/k',
    });
    expect(odd).toContain('privateKeyPath: "/tmp/a \\"b\\"/key"');
  });
});
