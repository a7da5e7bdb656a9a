import { defineTextFileModule } from '../kit/index.js';
import { lineinfileArgsSchema } from './args.js';
import { editLines } from './plan.js';

export { lineinfileArgsSchema } from './args.js';
export type { LineinfileArgs, LineinfileOptions } from './args.js';

/**
 * Make sure one line is in a text file (or replace the line matching a regex, or remove matching lines). A text-file module of the kit: facts, the exact check-mode
 * prediction, the diff and the atomic write come from `defineTextFileModule`; this module only
 * says which file and how its text changes (`editLines` in plan.ts, pure).
 */
export const lineinfile = defineTextFileModule({
  name: 'lineinfile',
  args: lineinfileArgsSchema.describe('One line in a text file: added, replaced (regexp) or removed'),
  target: (a) => ({ ...a, dest: a.path }),
  edit: editLines,
  label: 'lineinfile',
});
