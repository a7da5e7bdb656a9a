import { z } from 'zod';
import { absPathSchema } from '../kit/index.js';

export const statArgsSchema = z.strictObject({
  path: absPathSchema.describe('Absolute path on the host'),
  hash: z.boolean().default(false).describe('Also compute the sha256 of a regular file'),
});

export type StatArgs = z.input<typeof statArgsSchema>;
export type StatOptions = z.output<typeof statArgsSchema>;
