import { z } from 'zod';
import { absPathSchema, contentTargetShape } from '../kit/index.js';
import { checkInsertPosition, insertShape, regexSchema } from '../common/regex.js';

const { dest: _dest, ...target } = contentTargetShape;

export const lineinfileArgsSchema = z
  .strictObject({
    path: absPathSchema.describe('Absolute path of the text file on the host'),
    line: z
      .string()
      .refine((s) => !s.includes('\n'), { message: 'line must be a single line (no \\n); use blockinfile for several' })
      .optional()
      .describe('The line that must be there (state present)'),
    regexp: regexSchema.optional().describe('Lines matching this are replaced by `line` (the last match) or removed (state absent)'),
    state: z.enum(['present', 'absent']).default('present').describe('present: make sure the line is there; absent: remove matching lines'),
    ...insertShape('line'),
    ...target,
  })
  .superRefine((a, ctx) => {
    if (a.state === 'present' && a.line === undefined)
      ctx.addIssue({ code: 'custom', path: ['line'], message: 'state present needs line' });
    if (a.state === 'absent' && a.line === undefined && a.regexp === undefined)
      ctx.addIssue({ code: 'custom', path: ['regexp'], message: 'state absent needs regexp or line' });
    checkInsertPosition(a, ctx);
  });

export type LineinfileArgs = z.input<typeof lineinfileArgsSchema>;
export type LineinfileOptions = z.output<typeof lineinfileArgsSchema>;
