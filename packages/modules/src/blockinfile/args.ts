import { z } from 'zod';
import { absPathSchema, contentTargetShape } from '../kit/index.js';
import { checkInsertPosition, insertShape } from '../common/regex.js';

const { dest: _dest, ...target } = contentTargetShape;

export const blockinfileArgsSchema = z
  .strictObject({
    path: absPathSchema.describe('Absolute path of the text file on the host'),
    block: z.string().default('').describe('The lines between the markers (a trailing newline is ignored)'),
    marker: z
      .string()
      .refine((s) => s.includes('{mark}') && !s.includes('\n'), { message: 'marker must be one line containing {mark}' })
      .default('# {mark} TSPLAY MANAGED BLOCK')
      .describe('The marker lines; {mark} becomes BEGIN and END. Use a distinct marker per block in one file'),
    state: z
      .enum(['present', 'absent'])
      .default('present')
      .describe('present: the block is there with this content; absent: the block and its markers are removed'),
    ...insertShape('block'),
    ...target,
  })
  .superRefine((a, ctx) => {
    checkInsertPosition(a, ctx);
  });

export type BlockinfileArgs = z.input<typeof blockinfileArgsSchema>;
export type BlockinfileOptions = z.output<typeof blockinfileArgsSchema>;
