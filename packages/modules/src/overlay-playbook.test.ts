import { join } from 'node:path';
import { definePlaybook, runPlaybook, task, type RunEvent } from '@tsplay/core';
import { LocalConnection } from '@tsplay/core/transport';
import { resolveInventory } from '@tsplay/core/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, file, template, unarchive } from './index.js';
import { startReleaseFixture, type ReleaseFixture } from './testing/release-server.js';
import { snapshotTree } from './testing/tree-snapshot.js';

/**
 * Issue 6's overlay proof, through the runner: file dir -> download into it -> unarchive ->
 * template. In --check on a fresh host every task plans against what the earlier ones would
 * have made, so the run completes and predicts 4 changes; the real run then makes exactly those.
 */
let fx: ReleaseFixture;
beforeAll(async () => {
  fx = await startReleaseFixture();
});
afterAll(async () => {
  await fx?.close();
});

function playbook(root: string) {
  const dl = join(root, 'downloads');
  return definePlaybook({
    name: 'overlay-4',
    plays: [
      {
        name: 'four',
        hosts: 'all',
        tasks: [
          task(file, { path: dl, state: 'directory', mode: '0750' }, { name: 'dir' }),
          task(
            download,
            { url: fx.tarballUrl, dest: join(dl, fx.tarball.name), checksum: `sha256:${fx.tarball.sha256}`, caFile: fx.pki.caFile },
            { name: 'download' },
          ),
          task(
            unarchive,
            { src: join(dl, fx.tarball.name), dest: join(root, 'bin'), include: ['*/etcd', '*/etcdctl'], stripComponents: 1, mode: '0755' },
            { name: 'unarchive' },
          ),
          task(
            template,
            { dest: join(root, 'bin', 'etcd.conf'), template: (v: { name: string }) => `name=${v.name}\n`, vars: { name: 'controller-0' } },
            { name: 'template' },
          ),
        ],
      },
    ],
  });
}

async function run(root: string, check: boolean) {
  const events: RunEvent[] = [];
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(root, 'bin'), { recursive: true });
  const summary = await runPlaybook({
    playbook: playbook(root),
    inventory: resolveInventory({ defaults: { connection: 'local' }, hosts: { h: {} } }, '/x/hosts.yaml'),
    connect: async (h) => new LocalConnection(h.name),
    emit: (e) => events.push(e),
    check,
  });
  const changed = events
    .filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result' && e.changed)
    .map((e) => e.task);
  const failed = events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result' && e.status === 'failed');
  return { summary, changed, failed };
}

describe('check-mode overlay across four modules', () => {
  it('--check on a fresh host completes, predicts 4 changes and mutates nothing; the real run makes the same 4', async () => {
    const root = fx.freshDir('overlay4');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, 'bin'), { recursive: true });
    const before = snapshotTree(root);
    const check = await run(root, true);
    expect(check.failed).toEqual([]);
    expect(check.changed).toEqual(['dir', 'download', 'unarchive', 'template']);
    expect(check.summary.outcome).toBe('changed'); // --detailed-exitcode: 3
    expect(snapshotTree(root)).toEqual(before);

    const real = await run(root, false);
    expect(real.failed).toEqual([]);
    expect(real.changed).toEqual(check.changed);
    expect(real.summary.outcome).toBe('changed');

    const again = await run(root, true);
    expect(again.changed).toEqual([]);
    expect(again.summary.outcome).toBe('ok');
  });
});
