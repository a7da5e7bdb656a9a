/**
 * Python's `shlex.split(line, comments=True)` (POSIX mode), which Ansible's INI plugin uses for host
 * lines: quotes group and are removed, `\` escapes outside single quotes, and `#` outside quotes
 * starts a comment even inside a word (`a=pass#word` is `a=pass`). Returns undefined for an
 * unterminated quote or a trailing backslash (Python's "No closing quotation" / "No escaped character").
 */
export function shlexSplit(line: string): string[] | undefined {
  const words: string[] = [];
  let cur = '';
  let started = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else cur += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < line.length && (line[i + 1] === '"' || line[i + 1] === '\\')) cur += line[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) return undefined;
      cur += line[++i];
      started = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      if (started) words.push(cur);
      cur = '';
      started = false;
    } else if (ch === '#') {
      break;
    } else {
      cur += ch;
      started = true;
    }
  }
  if (quote) return undefined;
  if (started) words.push(cur);
  return words;
}
