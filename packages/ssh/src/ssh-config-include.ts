import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';

const MAX_DEPTH = 8;

function globFiles(pattern: string): string[] {
  const dir = dirname(pattern);
  const base = basename(pattern);
  if (!/[*?]/.test(base)) return [pattern];
  const re = new RegExp(
    `^${base
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  try {
    return readdirSync(dir)
      .filter((f) => re.test(f) && !f.startsWith('.'))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/**
 * Inline `Include` lines (relative paths are under ~/.ssh, `~` expands, `*`/`?` in the file name).
 * The included text takes the place of the line, which is OpenSSH's behaviour for top-level includes.
 */
export function expandIncludes(text: string, home: string, depth = 0): string {
  if (depth >= MAX_DEPTH) return text;
  return text
    .split(/\r?\n/)
    .map((line) => {
      const m = /^\s*include(?:\s*=\s*|\s+)(.+)$/i.exec(line);
      if (!m) return line;
      const files = (m[1] ?? '')
        .trim()
        .split(/\s+/)
        .map((p) => p.replace(/^"|"$/g, ''))
        .map((p) => (p === '~' || p.startsWith('~/') ? home + p.slice(1) : p))
        .map((p) => (isAbsolute(p) ? p : join(home, '.ssh', p)))
        .flatMap(globFiles);
      return files
        .map((f) => {
          try {
            return expandIncludes(readFileSync(f, 'utf8'), home, depth + 1);
          } catch {
            return '';
          }
        })
        .join('\n');
    })
    .join('\n');
}
