import {
  ancestors,
  defineFact,
  hostDirname,
  identityFact,
  pathFact,
  sh,
  type FactQuery,
  type Identity,
  type PathState,
} from '../kit/index.js';
import { writeSafetyFacts, type WriteSafetyFacts } from '../kit/index.js';
import type { FileOptions } from './args.js';

/** One entry below a directory (from `find -printf`). */
export interface TreeEntry {
  path: string;
  type: 'file' | 'dir' | 'link' | 'other';
  mode: number;
  owner: string;
  group: string;
}

export type FileFacts = {
  target: FactQuery<PathState>;
  /** Everything below the directory, only with `recurse`. */
  tree?: FactQuery<TreeEntry[]>;
  /** Who new paths belong to (for the prediction), when the task may create something. */
  me?: FactQuery<Identity>;
  /** The ancestors the plan needs (see `neededAncestors`). */
  [ancestor: `up:${string}`]: FactQuery<PathState>;
} & WriteSafetyFacts;

const TYPES: Record<string, TreeEntry['type']> = { f: 'file', d: 'dir', l: 'link' };

/** Parse `find -printf '%m|%u|%g|%y|%p\0'`; a missing directory is an empty tree. Exported for tests. */
export function parseTree(out: string): TreeEntry[] {
  return out
    .split('\0')
    .filter((r) => r.length > 0)
    .map((r) => {
      const [mode, owner, group, y, ...rest] = r.split('|');
      return {
        mode: parseInt(mode ?? '0', 8),
        owner: owner ?? '',
        group: group ?? '',
        type: TYPES[y ?? ''] ?? 'other',
        path: rest.join('|'),
      };
    });
}

/** Every entry under a directory (mode, owner, group, type, path); none when it is missing. */
export const treeFact = defineFact({
  module: 'file',
  name: 'tree',
  script: (path: string) => sh`[ -d ${path} ] && find ${path} -mindepth 1 -printf '%m|%u|%g|%y|%p\\0' || true`,
  parse: (r) => parseTree(r.stdout),
});

/** Which ancestors the plan must know about: all for `directory` (mkdir -p), the parent for `touch`/`link`. */
export function neededAncestors(args: Pick<FileOptions, 'state' | 'path'>): string[] {
  if (args.path === '/') return [];
  if (args.state === 'directory') return ancestors(args.path);
  if (args.state === 'touch' || args.state === 'link') return [hostDirname(args.path)];
  return [];
}

export function fileFacts(args: FileOptions, become: boolean | string): FileFacts {
  const f: FileFacts = { target: pathFact(args.path) };
  if (args.state === 'directory' || args.state === 'touch' || args.state === 'link') f.me = identityFact(become);
  for (const a of neededAncestors(args)) f[`up:${a}`] = pathFact(a);
  if (args.recurse) f.tree = treeFact(args.path);
  // The safe write's directory check, so that check mode fails where the write would be refused (UNSAFE_PATH).
  if (args.path !== '/') Object.assign(f, writeSafetyFacts(args.path, { become }));
  return f;
}
