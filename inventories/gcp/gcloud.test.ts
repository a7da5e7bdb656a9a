import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadInventory, type Inventory } from '@tsplay/core';
import { resolveInventory } from '@tsplay/core/engine';
import { EtcdVars } from '@tsplay/etcd';
import { KTHW_CONTROLLERS, controllersInventory, inventoryFromGcloud } from './gcloud.js';

// Loading only: these are real cloud addresses (placeholders here) and no test may connect to them.
const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, 'fixtures', 'instances.json');
const importer = (p: string) => import(p) as Promise<Record<string, unknown>>;
const load = () => loadInventory(here, {}, importer);

const summary = (inv: Inventory) =>
  inv.hosts.map((h) => ({
    name: h.name,
    address: h.address,
    user: h.user,
    port: h.port,
    key: h.privateKeyPath,
    alias: h.hostKeyAlias,
    vars: h.vars,
    groups: h.groups,
  }));

const saved = { json: process.env.TSPLAY_GCLOUD_JSON, path: process.env.PATH };
afterEach(() => {
  if (saved.json === undefined) delete process.env.TSPLAY_GCLOUD_JSON;
  else process.env.TSPLAY_GCLOUD_JSON = saved.json;
  process.env.PATH = saved.path;
});

/** A PATH whose only gcloud (if any) is a stand-in script that records its argv and prints the recorded JSON. */
function standInPath(withGcloud: boolean): { path: string; argvFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-gcloud-'));
  const argvFile = join(dir, 'argv');
  if (withGcloud) {
    writeFileSync(join(dir, 'gcloud'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${argvFile}\ncat ${fixture}\n`);
    chmodSync(join(dir, 'gcloud'), 0o755);
  }
  // only sh and cat besides the stand-in: a real gcloud on this machine must stay out of reach
  const bin = mkdtempSync(join(tmpdir(), 'tsplay-bin-'));
  for (const tool of ['sh', 'cat']) symlinkSync(`/bin/${tool}`, join(bin, tool));
  return { path: [dir, bin].join(':'), argvFile };
}

const expectedAddresses = ['203.0.113.10', '203.0.113.11', '203.0.113.12'];

describe('inventories/gcp', () => {
  it('the static helper resolves the 3 KTHW controllers with their internal IPs, group and gcloud ssh key', () => {
    const inv = resolveInventory(controllersInventory(KTHW_CONTROLLERS), join(here, 'index.ts'), {});
    expect(inv.groups.controllers).toEqual(['controller-0', 'controller-1', 'controller-2']);
    expect(inv.hosts.map((h) => [h.name, h.vars.internalIp, h.address])).toEqual([
      ['controller-0', '10.240.0.10', 'EXTERNAL_IP_OF_CONTROLLER_0'],
      ['controller-1', '10.240.0.11', 'EXTERNAL_IP_OF_CONTROLLER_1'],
      ['controller-2', '10.240.0.12', 'EXTERNAL_IP_OF_CONTROLLER_2'],
    ]);
    for (const h of inv.hosts) {
      expect(h.privateKeyPath).toMatch(/\/\.ssh\/google_compute_engine$/);
      expect(h.hostKeyChecking).toBe('strict');
      expect(h.connection).toBe('ssh');
      expect(h.user).toBe(process.env.USER ?? 'CHANGE_ME');
      // the etcd playbook's vars schema accepts every host's vars
      expect(EtcdVars.parse(h.vars).internalIp).toBe(h.vars.internalIp);
    }
  });

  it('without gcloud on PATH and without TSPLAY_GCLOUD_JSON the directory is a coded error, never placeholder addresses', async () => {
    delete process.env.TSPLAY_GCLOUD_JSON;
    process.env.PATH = standInPath(false).path;
    await expect(load()).rejects.toMatchObject({ code: 'GCP_ADDRESSES_UNKNOWN', hint: expect.stringContaining('TSPLAY_GCLOUD_JSON') });
  });

  it('with gcloud on PATH it runs `gcloud compute instances list --format=json` filtered to the controller tag', async () => {
    delete process.env.TSPLAY_GCLOUD_JSON;
    const s = standInPath(true);
    process.env.PATH = s.path;
    const inv = await load();
    expect(readFileSync(s.argvFile, 'utf8').trim().split('\n')).toEqual([
      'compute',
      'instances',
      'list',
      '--format=json',
      '--filter=tags.items=controller',
    ]);
    expect(inv.hosts.map((h) => h.address)).toEqual(expectedAddresses);
  });

  it('host keys as gcloud records them: alias compute.<instance id>, ~/.ssh/google_compute_known_hosts', async () => {
    process.env.TSPLAY_GCLOUD_JSON = fixture;
    const inv = await load();
    const ids = Object.fromEntries(
      (JSON.parse(readFileSync(fixture, 'utf8')) as { name: string; id: string }[]).map((i) => [i.name, i.id]),
    );
    expect(inv.hosts.map((h) => [h.name, h.hostKeyAlias])).toEqual(inv.hosts.map((h) => [h.name, `compute.${ids[h.name]}`]));
    for (const h of inv.hosts) expect(h.knownHosts).toEqual([join(homedir(), '.ssh', 'google_compute_known_hosts')]);
  });

  it('builds the same inventory from recorded output as the static form with the addresses filled in', () => {
    const json = JSON.parse(readFileSync(fixture, 'utf8')) as unknown;
    const dynamic = resolveInventory(inventoryFromGcloud(json), fixture, {});
    expect(dynamic.hosts.map((h) => h.address)).toEqual(expectedAddresses);
    const ids = dynamic.hosts.map((h) => h.hostKeyAlias?.replace('compute.', ''));
    const filled = controllersInventory(KTHW_CONTROLLERS.map((c, i) => ({ ...c, address: `203.0.113.1${i}`, id: ids[i] })));
    expect(summary(resolveInventory(filled, fixture, {}))).toEqual(summary(dynamic));
    expect(dynamic.groups).toEqual({
      all: ['controller-0', 'controller-1', 'controller-2'],
      controllers: ['controller-0', 'controller-1', 'controller-2'],
    });
  });

  it('TSPLAY_GCLOUD_JSON switches the inventory directory to the recorded output', async () => {
    process.env.TSPLAY_GCLOUD_JSON = fixture;
    process.env.PATH = standInPath(false).path;
    expect((await load()).hosts.map((h) => h.address)).toEqual(expectedAddresses);
  });

  it('rejects output that is not an instance list, or has no controllers, with coded errors', () => {
    expect(() => inventoryFromGcloud({ items: [] })).toThrowError(expect.objectContaining({ code: 'INVENTORY_INVALID' }));
    expect(() => inventoryFromGcloud([{ name: 'x', networkInterfaces: [] }])).toThrowError(
      expect.objectContaining({ code: 'INVENTORY_INVALID', field: '[0].networkInterfaces' }),
    );
    const workers = (JSON.parse(readFileSync(fixture, 'utf8')) as { name: string }[]).filter((i) => i.name.startsWith('worker'));
    expect(() => inventoryFromGcloud(workers)).toThrowError(/no instance in the gcloud output has the network tag controller/);
    const noNat = (JSON.parse(readFileSync(fixture, 'utf8')) as { networkInterfaces: { accessConfigs?: unknown }[] }[]).map((i) => {
      delete i.networkInterfaces[0]!.accessConfigs;
      return i;
    });
    expect(() => inventoryFromGcloud(noNat)).toThrowError(/has no external IP/);
  });
});
