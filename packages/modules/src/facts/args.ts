import { z } from 'zod';

export const factsArgsSchema = z.strictObject({});

export type FactsArgs = z.input<typeof factsArgsSchema>;
