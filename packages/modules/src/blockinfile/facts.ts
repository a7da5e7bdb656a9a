import type { ContentTarget } from '../common/content-plan.js';
import { textFileFacts, type TextFileFacts } from '../kit/text-file.js';
import type { BlockinfileOptions } from './args.js';

/** The file the task edits, and how it is written (mode, owner, group, backup, validate, secret). */
export const blockinfileTarget = (a: BlockinfileOptions): ContentTarget => ({ ...a, dest: a.path });

/** The kit's text-file facts of `path`: its state with sha256, its parent, who writes it, its text. */
export const blockinfileFacts = (a: BlockinfileOptions, become: boolean | string): TextFileFacts => textFileFacts(a.path, become);
