/** The example of docs/writing-modules.md: the message of the day, written with the module kit. */
import { z } from 'zod';
import { absPathSchema, defineModule, errorCodes, predictFile, textFact } from '@tsplay/modules/kit';

const fail = errorCodes(['MOTD_TOO_LONG']);
const WRITE = { mode: 0o644, owner: 'root', group: 'root' } as const;

export const motd = defineModule({
  name: 'motd',
  args: z
    .strictObject({
      text: z.string().describe('The message shown at login'),
      path: absPathSchema.default('/etc/motd').describe('Where it is kept'),
    })
    .describe('The message of the day'),
  facts: (a) => ({ old: textFact(a.path) }), // text, absent, or 'unknown' from the check overlay
  plan: (f, a) => {
    const want = a.text.endsWith('\n') ? a.text : `${a.text}\n`;
    if (want.split('\n').length > 21) throw fail('MOTD_TOO_LONG', 'keep the motd to 20 lines', { field: 'text' });
    const before = f.old.kind === 'text' ? f.old.text : '';
    if (f.old.kind === 'text' && before === want) return { changed: false, summary: `${a.path} is up to date` };
    return {
      changed: true,
      summary: `would write ${a.path}`,
      diff: [{ path: a.path, before, after: want }],
      predict: { paths: { [a.path]: predictFile(want, WRITE) } }, // exact: sha256, size, mode, owner
      data: want,
    };
  },
  apply: async (ctx, a, plan) => {
    await ctx.conn.put(a.path, plan.data ?? '', { ...WRITE, become: ctx.become }); // atomic: temp, fsync, rename
    return {};
  },
});
