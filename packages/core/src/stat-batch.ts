import type { FactQuery } from './facts.js';
import { quote } from './sh.js';

/**
 * Plain path facts (`pathFact` without a hash) answered together: one `stat` process for all of their
 * paths instead of a subshell and a `stat` for each (a task's parent directory, the directories a play makes:
 * on the etcd job 11 of the probe's 31 facts). Only links cost a process more (their target).
 */

/** Paths per `stat` process (far below ARG_MAX). */
const CHUNK = 256;
/** Fewer than this: each keeps its own frame (nothing to share). */
const MIN_SHARED = 2;

/** For each fact, the path a shared `stat` answers, or undefined (a name with a line break keeps its own frame). */
export function sharedStatPaths(facts: readonly FactQuery[]): (string | undefined)[] {
  const paths = facts.map((f) => (f.statPath !== undefined && !f.statPath.includes('\n') ? f.statPath : undefined));
  return paths.filter((p) => p !== undefined).length >= MIN_SHARED ? paths : facts.map(() => undefined);
}

const unique = (paths: readonly (string | undefined)[]): string[] => [...new Set(paths.filter((p): p is string => p !== undefined))];

/**
 * The lines that print every path's `type|mode|owner|group|size|name` (lstat: a link is described, not
 * followed; a missing path prints nothing), then `NONCE L i TARGET` for each path `i` that is a link.
 */
export function statBlockScript(paths: readonly (string | undefined)[], nonce: string): string[] {
  const all = unique(paths);
  if (all.length === 0) return [];
  const lines = [`printf '%s S\\n' ${nonce}`];
  for (let i = 0; i < all.length; i += CHUNK)
    lines.push(
      `stat -c '%F|%a|%U|%G|%s|%n' -- ${all
        .slice(i, i + CHUNK)
        .map(quote)
        .join(' ')} </dev/null 2>/dev/null`,
    );
  all.forEach((p, i) => lines.push(`if [ -L ${quote(p)} ]; then printf '%s L ${i} %s\\n' ${nonce} "$(readlink -- ${quote(p)})"; fi`));
  lines.push(`printf '%s T\\n' ${nonce}`);
  return lines;
}

/**
 * The shared block's answer for each path, in `pathScript`'s own output (`P|type|mode|owner|group|size|target|`,
 * empty when the path is missing), so the fact's parser reads it unchanged; undefined when the block is incomplete.
 */
export function readStatBlock(stdout: string, paths: readonly (string | undefined)[], nonce: string): Map<string, string> | undefined {
  const all = unique(paths);
  const out = new Map<string, string>();
  if (all.length === 0) return out;
  const start = stdout.indexOf(`${nonce} S\n`);
  const end = start < 0 ? -1 : stdout.indexOf(`${nonce} T\n`, start);
  if (end < 0) return undefined;
  const stats = new Map<string, string>();
  const links = new Map<string, string>();
  const linkMark = `${nonce} L `;
  for (const line of stdout.slice(start + nonce.length + 3, end).split('\n')) {
    if (line.startsWith(linkMark)) {
      const rest = line.slice(linkMark.length);
      const sp = rest.indexOf(' ');
      const p = all[Number(rest.slice(0, sp))];
      if (p !== undefined) links.set(p, rest.slice(sp + 1));
      continue;
    }
    // type, mode, owner and group hold no '|'; the name is the rest, exactly as given to stat
    const f = line.split('|');
    if (f.length >= 6) stats.set(f.slice(5).join('|'), f.slice(0, 5).join('|'));
  }
  for (const p of all) {
    const st = stats.get(p);
    out.set(p, st === undefined ? '' : `P|${st}|${st.startsWith('symbolic link|') ? (links.get(p) ?? '') : ''}|\n`);
  }
  return out;
}
