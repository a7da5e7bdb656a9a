import { argv } from '../kit/index.js';
import type { ParsedCommandArgs } from './args.js';

/** The command as the shell runs it: the argv form quoted, or the shell form as given. */
export function commandLine(a: ParsedCommandArgs): string {
  return a.argv ? argv(a.argv) : (a.cmd as string);
}
