import type { ContentTarget } from '../common/content-plan.js';
import { textFileFacts, type TextFileFacts } from '../kit/text-file.js';
import type { LineinfileOptions } from './args.js';

/** The file the task edits, and how it is written (mode, owner, group, backup, validate, secret). */
export const lineinfileTarget = (a: LineinfileOptions): ContentTarget => ({ ...a, dest: a.path });

/** The kit's text-file facts of `path`: its state with sha256, its parent, who writes it, its text. */
export const lineinfileFacts = (a: LineinfileOptions, become: boolean | string): TextFileFacts => textFileFacts(a.path, become);
