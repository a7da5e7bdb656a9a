import { TsplayError } from '../kit/index.js';
import { fromLines, insertIndex, toLines } from '../common/lines.js';
import type { BlockinfileOptions } from './args.js';

/** Pure: the file's new text with the marked block set (or removed). */
export function editBlock(text: string | undefined, a: BlockinfileOptions): string | undefined {
  if (text === undefined) {
    if (a.state === 'absent') return undefined;
    if (!a.create)
      throw new TsplayError('WRITE_FAILED', `${a.path} does not exist`, { field: 'path', hint: 'set create: true to create it' });
  }
  const begin = a.marker.replace('{mark}', 'BEGIN');
  const end = a.marker.replace('{mark}', 'END');
  const l = toLines(text);
  const lines = [...l.lines];
  const b = lines.indexOf(begin);
  const e = b < 0 ? -1 : lines.indexOf(end, b + 1);
  const body = a.block === '' ? [] : toLines(a.block).lines;
  const wanted = a.state === 'present' ? [begin, ...body, end] : [];
  let at: number;
  if (b >= 0 && e >= 0) {
    lines.splice(b, e - b + 1);
    at = b;
  } else {
    if (a.state === 'absent') return text;
    at = insertIndex(lines, a);
  }
  lines.splice(at, 0, ...wanted);
  const eol = at + wanted.length >= lines.length ? true : l.eol;
  return fromLines({ lines, eol: eol || lines.length === 0 });
}
