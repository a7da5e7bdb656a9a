import { definePlaybook, sh } from '@tsplay/core';
import { command } from '@tsplay/modules';
import { z } from 'zod';

/** The example playbook: `command` tasks on the `local` inventory. */
export default definePlaybook({
  name: 'hello',
  vars: z.object({ greeting: z.string(), workdir: z.string() }),
  plays: ({ task }) => {
    const mkdir = task(
      command,
      (ctx) => ({
        cmd: sh`mkdir -p ${ctx.vars.workdir} && echo ${ctx.vars.greeting} > ${ctx.vars.workdir}/greeting`,
        creates: `${ctx.vars.workdir}/greeting`,
      }),
      {
        name: 'write the greeting once',
        tags: ['setup'],
      },
    );
    const read = task(command, (ctx) => ({ argv: ['cat', `${ctx.vars.workdir}/greeting`], readOnly: true }), { name: 'read it back' });
    const show = task(
      command,
      (ctx) => ({ argv: ['echo', `${ctx.host.name} says ${ctx.result(read)?.data?.stdout.trim() ?? '(nothing yet)'}`], readOnly: true }),
      { name: 'use the registered result' },
    );
    return [{ name: 'greet', hosts: 'workstations', tasks: [mkdir, read, show] }];
  },
});
