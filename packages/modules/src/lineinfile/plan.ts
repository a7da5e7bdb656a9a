import { TsplayError } from '../kit/index.js';
import { fromLines, insertIndex, lastMatch, toLines, type Lines } from '../common/lines.js';
import type { LineinfileOptions } from './args.js';

function present(l: Lines, a: LineinfileOptions): Lines {
  const line = a.line as string;
  const lines = [...l.lines];
  if (a.regexp !== undefined) {
    const i = lastMatch(lines, new RegExp(a.regexp));
    if (i >= 0) {
      lines[i] = line;
      return { lines, eol: l.eol };
    }
  }
  if (lines.includes(line)) return l;
  const at = insertIndex(lines, a);
  lines.splice(at, 0, line);
  // A line added at the very end gets a newline; a file without one keeps its last line unterminated only when the new line is not last.
  return { lines, eol: at === l.lines.length ? true : l.eol };
}

/** Pure: the file's new text (undefined: leave a missing file missing). */
export function editLines(text: string | undefined, a: LineinfileOptions): string | undefined {
  if (text === undefined) {
    if (a.state === 'absent') return undefined;
    if (!a.create) {
      throw new TsplayError('WRITE_FAILED', `${a.path} does not exist`, {
        field: 'path',
        hint: 'set create: true to create it, or create it first (copy, template or file touch)',
      });
    }
  }
  const l = toLines(text);
  if (a.state === 'absent') {
    const re = a.regexp !== undefined ? new RegExp(a.regexp) : undefined;
    const kept = l.lines.filter((s) => (re ? !re.test(s) : s !== a.line));
    return kept.length === l.lines.length ? text : fromLines({ lines: kept, eol: l.eol || kept.length === 0 });
  }
  const next = present(l, a);
  return next === l ? (text ?? '') : fromLines(next);
}
