import { defineTextFileModule } from '../kit/index.js';
import { blockinfileArgsSchema } from './args.js';
import { editBlock } from './plan.js';

export { blockinfileArgsSchema } from './args.js';
export type { BlockinfileArgs, BlockinfileOptions } from './args.js';

/**
 * A block of lines between marker lines in a text file, kept as given (or removed). A text-file module of the kit: facts, the exact check-mode
 * prediction, the diff and the atomic write come from `defineTextFileModule`; this module only
 * says which file and how its text changes (`editBlock` in plan.ts, pure).
 */
export const blockinfile = defineTextFileModule({
  name: 'blockinfile',
  args: blockinfileArgsSchema.describe('A block of lines between marker lines in a text file'),
  target: (a) => ({ ...a, dest: a.path }),
  edit: editBlock,
  label: 'blockinfile',
});
