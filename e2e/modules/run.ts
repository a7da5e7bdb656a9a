/** Shared by the module e2e files: run one play on the lab hosts over SSH and read the hosts' own state. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePlaybook, loadInventory, runPlaybook, type Inventory, type RunEvent, type RunSummary, type Task } from '@tsplay/core';
import { lab, onAllHosts } from '../helpers/lab.js';
import { connectHost } from '../helpers/connect.js';

let inv: Inventory | undefined;
export async function inventory(): Promise<Inventory> {
  inv ??= await loadInventory(lab().inventoryFile);
  return inv;
}

export interface PlayRun {
  summary: RunSummary;
  /** Per host, each task's status in order ("changed", "ok", ...). */
  statuses: Record<string, string[]>;
  events: RunEvent[];
}

const stateDir = mkdtempSync(join(tmpdir(), 'tsplay-e2e-modules-'));

/** Run `tasks` as one play (become) on every lab host; `check` for --check; `stateDir` for another signature cache (an empty one: cold). */
export async function playRun(name: string, tasks: readonly Task[], opts: { check?: boolean; stateDir?: string } = {}): Promise<PlayRun> {
  const events: RunEvent[] = [];
  const playbook = definePlaybook({ name, plays: [{ name, hosts: 'all', become: true, tasks: [...tasks] }] });
  const summary = await runPlaybook({
    playbook,
    inventory: await inventory(),
    connect: (h) => connectHost(h),
    emit: (e) => events.push(e),
    forks: 10,
    check: opts.check,
    stateDir: opts.stateDir ?? stateDir,
  });
  const statuses: Record<string, string[]> = {};
  for (const e of events) if (e.type === 'task.result') (statuses[e.host] ??= []).push(e.status);
  return { summary, statuses, events };
}

/** The same list of statuses on every lab host. */
export function everyHost(statuses: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(lab().hosts.map((h) => [h.name, [...statuses]]));
}

/** What each host says about itself (the independent oracle), by host name. */
export async function fingerprint(script: string): Promise<Record<string, string>> {
  const out = await onAllHosts(script, { become: true });
  return Object.fromEntries(lab().hosts.map((h, i) => [h.name, out[i]?.stdout ?? `exit ${out[i]?.code}`]));
}

/** `stat` + sha256 of each path, or "absent" (one line per path). */
export const statScript = (paths: readonly string[]): string =>
  paths
    .map(
      (p) =>
        `if [ -e '${p}' ]; then printf '%s %s ' "$(stat -c '%n %a %U:%G %s' '${p}')" "$(sha256sum < '${p}' | cut -c1-16)"; echo; else echo '${p} absent'; fi`,
    )
    .join('\n');

/** Remove the workstation-side state of these runs (call from afterAll). */
export async function removeRunState(): Promise<void> {
  const { rm } = await import('node:fs/promises');
  await rm(stateDir, { recursive: true, force: true });
}
