import { definePlaybook, runPlaybook, type RunEvent, type Task } from '@tsplay/core';
import { resolveInventory } from '@tsplay/core/engine';
import { LocalConnection } from '@tsplay/core/transport';

/**
 * Tests: a real run of `tasks` (one play, become) on a local host, its execs and puts recorded in order (each
 * is a round trip on a real host; a put as `put <path>`), with each task's `name:status`.
 */
export async function countedRun(tasks: Task[]) {
  const execs: string[] = [];
  const pb = definePlaybook({ name: 'counted', plays: [{ name: 'p', hosts: 'all', become: true, tasks }] });
  const inventory = resolveInventory({ defaults: { connection: 'local' }, hosts: { h: {} } }, '/x/hosts.yaml');
  const results: string[] = [];
  const connect = async () => {
    const c = new LocalConnection('h');
    const exec = c.exec.bind(c);
    const put = c.put.bind(c);
    c.exec = (cmd, o) => (execs.push(cmd), exec(cmd, o));
    c.put = (path, data, o) => (execs.push(`put ${path}`), put(path, data, o));
    return c;
  };
  const emit = (e: RunEvent) => (e.type === 'task.result' ? results.push(`${e.task}:${e.status}`) : undefined);
  const summary = await runPlaybook({ playbook: pb, inventory, connect, emit });
  return { summary, execs, results };
}
