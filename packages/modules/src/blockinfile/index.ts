import type { ContentTarget } from '../common/content-plan.js';
import { defineTextFileModule } from '../kit/text-module.js';
import { blockinfileArgsSchema, type BlockinfileOptions } from './args.js';
import { editBlock } from './plan.js';

export { blockinfileArgsSchema } from './args.js';
export type { BlockinfileArgs, BlockinfileOptions } from './args.js';

export const blockinfileTarget = (a: BlockinfileOptions): ContentTarget => ({ ...a, dest: a.path });

/** A block of lines between marker lines in a text file, kept as given (or removed). */
export const blockinfile = defineTextFileModule({
  name: 'blockinfile',
  args: blockinfileArgsSchema.describe('A block of lines between marker lines in a text file'),
  target: blockinfileTarget,
  edit: editBlock,
  label: 'blockinfile',
});
