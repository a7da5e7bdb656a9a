import type { ContentTarget } from '../common/content-plan.js';
import { defineTextFileModule } from '../kit/text-module.js';
import { lineinfileArgsSchema, type LineinfileOptions } from './args.js';
import { editLines } from './plan.js';

export { lineinfileArgsSchema } from './args.js';
export type { LineinfileArgs, LineinfileOptions } from './args.js';

export const lineinfileTarget = (a: LineinfileOptions): ContentTarget => ({ ...a, dest: a.path });

/** Make sure one line is in a text file (or replace the line matching a regex, or remove matching lines). */
export const lineinfile = defineTextFileModule({
  name: 'lineinfile',
  args: lineinfileArgsSchema.describe('One line in a text file: added, replaced (regexp) or removed'),
  target: lineinfileTarget,
  edit: editLines,
  label: 'lineinfile',
});
