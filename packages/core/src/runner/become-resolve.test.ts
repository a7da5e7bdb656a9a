import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { Connection, ExecOptions } from '../connection.js';
import { resolveInventory } from '../inventory/resolve.js';
import { defineModule } from '../module.js';
import { definePlaybook, task, type Play } from '../playbook.js';
import { block } from './block.js';
import { runPlaybook } from './run.js';

/** Runs `mark ID` with the task's become: the connection records the options each call came with. */
const mark = defineModule({
  name: 'mark',
  args: z.strictObject({ id: z.string() }),
  facts: () => ({}),
  plan: (_f, a) => ({ changed: true, summary: `would mark ${a.id}` }),
  apply: async (ctx, a) => {
    await ctx.conn.exec(`mark ${a.id}`, { become: ctx.become });
    return { changed: true };
  },
});

function recorder(calls: Record<string, Pick<ExecOptions, 'become' | 'becomeMethod'>>, name: string): Connection {
  return {
    host: name,
    exec: async (cmd, o = {}) => {
      if (cmd.startsWith('mark ')) calls[cmd.slice(5)] = { become: o.become, becomeMethod: o.becomeMethod };
      return { code: 0, stdout: '', stderr: '' };
    },
    put: async () => undefined,
    read: async () => Buffer.alloc(0),
    stat: async () => ({ exists: false }),
    close: async () => undefined,
  };
}

async function run(plays: Play[]) {
  const calls: Record<string, Pick<ExecOptions, 'become' | 'becomeMethod'>> = {};
  const inventory = resolveInventory({ defaults: { connection: 'local' }, hosts: { h1: {} } }, '/x/hosts.yaml');
  const summary = await runPlaybook({
    playbook: definePlaybook({ name: 'become-resolve', plays }),
    inventory,
    connect: async (h) => recorder(calls, h.name),
    emit: () => undefined,
  });
  expect(summary.outcome).toBe('changed');
  return calls;
}

describe('becomeUser and becomeMethod per play and per task', () => {
  it('a task inherits the play user and method, and its own win', async () => {
    const calls = await run([
      {
        name: 'p',
        hosts: 'all',
        become: true,
        becomeUser: 'postgres',
        becomeMethod: 'su',
        tasks: [
          task(mark, { id: 'inherits' }),
          task(mark, { id: 'own-method' }, { name: 'own-method', becomeMethod: 'doas' }),
          task(mark, { id: 'own-user' }, { name: 'own-user', becomeUser: 'app' }),
          task(mark, { id: 'string-user' }, { name: 'string-user', become: 'root' }),
          task(mark, { id: 'off' }, { name: 'off', become: false }),
          ...block({ name: 'b', becomeMethod: 'sudo', becomeUser: 'www', tasks: [task(mark, { id: 'in-block' }, { name: 'in-block' })] }),
        ],
      },
    ]);
    expect(calls).toEqual({
      inherits: { become: 'postgres', becomeMethod: 'su' },
      'own-method': { become: 'postgres', becomeMethod: 'doas' },
      'own-user': { become: 'app', becomeMethod: 'su' },
      'string-user': { become: 'root', becomeMethod: 'su' },
      off: { become: false, becomeMethod: 'su' },
      'in-block': { become: 'www', becomeMethod: 'sudo' },
    });
  });

  it('without them nothing changes: become strings, the host default, no method', async () => {
    const calls = await run([
      {
        name: 'q',
        hosts: 'all',
        become: 'postgres',
        tasks: [
          task(mark, { id: 'play-string' }),
          task(mark, { id: 'root' }, { name: 'root', become: true }),
          task(mark, { id: 'user' }, { name: 'user', becomeUser: 'app' }),
        ],
      },
      { name: 'r', hosts: 'all', becomeUser: 'ignored', tasks: [task(mark, { id: 'become-off' })] },
    ]);
    expect(calls).toEqual({
      'play-string': { become: 'postgres', becomeMethod: undefined },
      root: { become: true, becomeMethod: undefined },
      user: { become: 'app', becomeMethod: undefined },
      'become-off': { become: false, becomeMethod: undefined },
    });
  });

  it('a method that is not sudo, su or doas does not compile', () => {
    // @ts-expect-error pfexec is not a become method
    const t = task(mark, { id: 'x' }, { becomeMethod: 'pfexec' });
    // @ts-expect-error becomeUser is a user name
    const p: Play = { name: 'x', hosts: 'all', becomeUser: true, tasks: [t] };
    expect(p.tasks).toHaveLength(1);
  });
});
