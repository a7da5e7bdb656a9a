import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadInventory, resolveInventory, type Inventory } from '@tsplay/core';
import { EtcdVars } from '@tsplay/etcd';
import { KTHW_CONTROLLERS, controllersInventory, inventoryFromGcloud } from './gcloud.js';

// Loading only: these are real cloud addresses (placeholders here) and no test may connect to them.
const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, 'fixtures', 'instances.json');
const importer = (p: string) => import(p) as Promise<Record<string, unknown>>;
const load = () => loadInventory(here, {}, importer);

const summary = (inv: Inventory) =>
  inv.hosts.map((h) => ({ name: h.name, address: h.address, user: h.user, port: h.port, key: h.privateKeyPath, vars: h.vars, groups: h.groups }));

afterEach(() => {
  delete process.env.TSPLAY_GCLOUD_JSON;
});

describe('inventories/gcp', () => {
  it('resolves the 3 KTHW controllers with their internal IPs, group and gcloud ssh key', async () => {
    const inv = await load();
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

  it('builds the same inventory from recorded `gcloud compute instances list --format=json` output', async () => {
    const json = JSON.parse(readFileSync(fixture, 'utf8')) as unknown;
    const dynamic = resolveInventory(inventoryFromGcloud(json), fixture, {});
    const stat = await load();
    // only the tagged controllers, sorted, with their NAT IPs as addresses
    expect(dynamic.hosts.map((h) => h.address)).toEqual(['203.0.113.10', '203.0.113.11', '203.0.113.12']);
    const withoutAddress = (inv: Inventory) => summary(inv).map(({ address: _a, ...rest }) => rest);
    expect(withoutAddress(dynamic)).toEqual(withoutAddress(stat));
    expect(dynamic.groups).toEqual(stat.groups);
    // and is what the static form gives once the addresses are filled in
    const filled = controllersInventory(KTHW_CONTROLLERS.map((c, i) => ({ ...c, address: `203.0.113.1${i}` })));
    expect(summary(resolveInventory(filled, fixture, {}))).toEqual(summary(dynamic));
  });

  it('TSPLAY_GCLOUD_JSON switches the inventory directory to the dynamic form', async () => {
    process.env.TSPLAY_GCLOUD_JSON = fixture;
    expect((await load()).hosts.map((h) => h.address)).toEqual(['203.0.113.10', '203.0.113.11', '203.0.113.12']);
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
