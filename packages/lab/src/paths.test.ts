import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findRepoRoot, labHost, labPaths } from './paths.js';

describe('labPaths', () => {
  test('state under <repo root>/.lab, cache under ~/.cache/tsplay/lab', () => {
    const repo = mkdtempSync(join(tmpdir(), 'tsplay-paths-'));
    writeFileSync(join(repo, 'pnpm-workspace.yaml'), 'packages: []\n');
    mkdirSync(join(repo, 'a/b'), { recursive: true });
    const p = labPaths({ HOME: '/home/x' }, join(repo, 'a/b'));
    expect(findRepoRoot(join(repo, 'a/b'))).toBe(repo);
    expect(p.stateDir).toBe(join(repo, '.lab'));
    expect(p.inventoryFile).toBe(join(repo, '.lab/inventory/hosts.yaml'));
    expect(p.key).toBe(join(repo, '.lab/pki/kubernetes-key.pem'));
    expect(p.rootfs).toBe('/home/x/.cache/tsplay/lab/rootfs');
    expect(p.tarball).toBe('/home/x/.cache/tsplay/lab/etcd/etcd-v3.4.23-linux-amd64.tar.gz');
  });

  test('serves 3.4.23 (bookworm, at the old cache paths) and 3.5.16 (trixie) as releases', () => {
    const p = labPaths({ HOME: '/home/x' }, '/');
    expect(p.releases.map((r) => [r.version, r.suite])).toEqual([
      ['3.4.23', 'bookworm'],
      ['3.5.16', 'trixie'],
    ]);
    expect(p.releases[0]?.tarball).toBe(p.tarball);
    expect(p.releases[0]?.sha256).toBe(p.sha256);
    expect(p.releases[1]?.tarball).toBe('/home/x/.cache/tsplay/lab/etcd/v3.5.16/etcd-v3.5.16-linux-amd64.tar.gz');
    expect(p.releases[1]?.sha256).toBe('/home/x/.cache/tsplay/lab/etcd/v3.5.16/SHA256SUMS');
  });

  test('TSPLAY_LAB_DIR and TSPLAY_CACHE_DIR override', () => {
    const p = labPaths({ TSPLAY_LAB_DIR: '/s', TSPLAY_CACHE_DIR: '/c' }, '/');
    expect(p.stateDir).toBe('/s');
    expect(p.knownHosts).toBe('/s/known_hosts');
    expect(p.rootfs).toBe('/c/lab/rootfs');
  });
});

describe('labHost', () => {
  test('names, addresses, namespaces and cgroups', () => {
    expect(labHost(0)).toEqual({ index: 0, name: 'controller-0', address: '10.240.0.10', netns: 'tsplay-h0', cgroup: 'tsplay-lab/h0' });
    expect(labHost(19).address).toBe('10.240.0.29');
  });
});
