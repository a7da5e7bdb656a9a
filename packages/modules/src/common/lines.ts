/** A text as lines plus whether it ended with a newline (so edits keep the file's last byte). */
export interface Lines {
  lines: string[];
  /** The text ended with '\n' (or was empty). */
  eol: boolean;
}

export function toLines(text: string | undefined): Lines {
  if (text === undefined || text === '') return { lines: [], eol: true };
  const lines = text.split('\n');
  const eol = lines[lines.length - 1] === '';
  if (eol) lines.pop();
  return { lines, eol };
}

/** Join lines back; a file that gained lines at its end always ends with a newline. */
export function fromLines(l: Lines): string {
  if (l.lines.length === 0) return '';
  return `${l.lines.join('\n')}${l.eol ? '\n' : ''}`;
}

/** Index of the last line matching `re`, or -1. */
export function lastMatch(lines: readonly string[], re: RegExp): number {
  for (let i = lines.length - 1; i >= 0; i--) if (re.test(lines[i] as string)) return i;
  return -1;
}

/** Where a new line (or block) goes: before the last match of `insertbefore` ('BOF': first), after the last match of `insertafter`, else the end. */
export function insertIndex(lines: readonly string[], at: { insertafter?: string | undefined; insertbefore?: string | undefined }): number {
  if (at.insertbefore !== undefined) {
    if (at.insertbefore === 'BOF') return 0;
    const i = lastMatch(lines, new RegExp(at.insertbefore));
    return i < 0 ? lines.length : i;
  }
  if (at.insertafter !== undefined && at.insertafter !== 'EOF') {
    const i = lastMatch(lines, new RegExp(at.insertafter));
    return i < 0 ? lines.length : i + 1;
  }
  return lines.length;
}
