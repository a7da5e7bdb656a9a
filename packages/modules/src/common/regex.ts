import { z } from 'zod';

/** A JavaScript regular expression given as a string; an invalid one is rejected with the parser's reason. */
export const regexSchema = z
  .string()
  .min(1)
  .superRefine((s, ctx) => {
    try {
      new RegExp(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(e as Error).message}` });
    }
  });

/** Issues for insertafter/insertbefore: at most one, each 'EOF'/'BOF' or a valid regex. */
export function checkInsertPosition(
  a: { insertafter?: string | undefined; insertbefore?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (a.insertafter !== undefined && a.insertbefore !== undefined)
    ctx.addIssue({ code: 'custom', path: ['insertbefore'], message: 'give only one of insertafter or insertbefore' });
  for (const k of ['insertafter', 'insertbefore'] as const) {
    const v = a[k];
    if (v === undefined || v === 'EOF' || v === 'BOF') continue;
    try {
      new RegExp(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: [k], message: `not a valid regular expression: ${(e as Error).message}` });
    }
  }
}

/** insertafter / insertbefore / create, as lineinfile and blockinfile take them (`what`: "line" or "block"). */
export function insertShape(what: 'line' | 'block') {
  return {
    insertafter: z
      .string()
      .min(1)
      .optional()
      .describe(`Where a new ${what} goes: after the last line matching this regex, or 'EOF' (default)`),
    insertbefore: z.string().min(1).optional().describe(`Where a new ${what} goes: before the last line matching this regex, or 'BOF'`),
    create: z.boolean().default(false).describe('Create the file when it does not exist (else that is an error)'),
  };
}
