import {
  attrChanges,
  describeChanges,
  formatMode,
  hostDirname,
  newOwnership,
  TsplayError,
  withAttrs,
  type Attrs,
  type FactValues,
  type PathState,
  type Plan,
} from '../kit/index.js';
import { runsSafeWrite, unsafeWrite } from '../kit/index.js';
import type { FileOptions } from './args.js';
import { neededAncestors, type FileFacts } from './facts.js';
import { recurseChanges, unsafeTree } from './recurse.js';
import { safeAttrs, safeLink, safeMkdir, safeRemove, safeTouch } from './safe.js';

/** The exact shell script apply runs (built here, so check mode shows what a run would do). */
export interface FilePlanData {
  script: string;
}

export const DEFAULT_DIR_MODE = 0o755;
export const DEFAULT_FILE_MODE = 0o644;
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const WANTED: Record<FileOptions['state'], string> = {
  file: 'as wanted',
  touch: 'there',
  directory: 'a directory',
  absent: 'absent',
  link: 'a link',
};

const TYPE_NAMES: Record<string, string> = { file: 'file', dir: 'directory', link: 'link', other: 'special file' };

function typeName(st: PathState): string {
  return st.exists ? (TYPE_NAMES[st.type ?? 'other'] ?? 'special file') : 'absent';
}

/** The --diff text of a path: its state plus the attributes the task manages. */
export function stateText(st: PathState, managed: Attrs): string {
  const lines = [`state: ${typeName(st)}`];
  if (st.exists && st.type === 'link') lines.push(`target: ${st.target ?? '?'}`);
  if (st.exists) {
    if (managed.mode !== undefined) lines.push(`mode: ${formatMode(st.mode)}`);
    if (managed.owner !== undefined) lines.push(`owner: ${st.owner ?? '?'}`);
    if (managed.group !== undefined) lines.push(`group: ${st.group ?? '?'}`);
  }
  return lines.join('\n');
}

function conflict(path: string, msg: string, hint: string): TsplayError {
  return new TsplayError('TASK_FAILED', `${path} ${msg}`, { field: 'path', hint });
}

function want(args: FileOptions): Attrs {
  return { mode: args.mode, owner: args.owner, group: args.group };
}

function result(
  args: FileOptions,
  before: PathState,
  after: PathState,
  summary: string,
  script: string,
  predict: Record<string, PathState> = {},
): Plan<FilePlanData> {
  if (!script)
    return {
      changed: false,
      summary: `${args.path} is already ${WANTED[args.state]}${args.state === 'link' ? ` to ${args.src ?? '?'}` : ''}`,
    };
  const managed = want(args);
  return {
    changed: true,
    summary,
    diff: [{ path: args.path, before: stateText(before, managed), after: stateText(after, managed) }],
    predict: { paths: { ...predict, [args.path]: after } },
    data: { script },
  };
}

/** Pure: what the file task would do to the path; UNSAFE_PATH when its safe write would be refused. */
export function planFile(facts: FactValues<FileFacts>, args: FileOptions): Plan<FilePlanData> {
  const plan = planFileChange(facts, args);
  if (plan.changed && plan.data && runsSafeWrite(plan.data.script)) {
    const t = facts.target;
    const refused = unsafeWrite(facts, args.path, args.owner ?? (t.exists ? t.owner : undefined));
    if (refused) throw refused;
  }
  return plan;
}

function planFileChange(facts: FactValues<FileFacts>, args: FileOptions): Plan<FilePlanData> {
  const t = facts.target;
  const path = args.path;
  const w = want(args);
  switch (args.state) {
    case 'absent':
      if (!t.exists) return result(args, t, t, '', '');
      return result(
        args,
        t,
        { exists: false },
        `would remove ${typeName(t)} ${path}${t.type === 'dir' ? ' and everything in it' : ''}`,
        safeRemove(path, t.owner),
      );
    case 'file':
    case 'touch': {
      if (!t.exists) {
        if (args.state === 'file')
          throw conflict(
            path,
            'does not exist',
            "state 'file' only manages an existing file; use state 'touch' to create it (or copy/template to write content)",
          );
        requireParent(facts, path);
        const after: PathState = withAttrs(
          { exists: true, type: 'file', mode: DEFAULT_FILE_MODE, size: 0, sha256: EMPTY_SHA256, ...fresh(facts, hostDirname(path)) },
          w,
        );
        const mode = after.mode ?? DEFAULT_FILE_MODE;
        const script = safeTouch(path, w, mode);
        return result(args, t, after, `would create empty file ${path} mode ${formatMode(mode)}`, script);
      }
      if (args.state === 'file' && t.type !== 'file')
        throw conflict(
          path,
          `is a ${typeName(t)}, not a file`,
          "use state 'directory' or 'link' for those, or remove it first with state 'absent'",
        );
      return attrsOnly(args, t, w);
    }
    case 'directory':
      return planDirectory(facts, args, w);
    case 'link':
      return planLink(facts, args, w);
  }
}

function attrsOnly(
  args: FileOptions,
  t: PathState,
  w: Attrs,
  extra: { script: string; summary: string; predict: Record<string, PathState> } = { script: '', summary: '', predict: {} },
): Plan<FilePlanData> {
  const changes = attrChanges(t, w);
  // Below first: the tree check must see the path before its own new mode/owner (see recurse.ts).
  const script = [extra.script, safeAttrs(args.path, t, w)].filter(Boolean).join(' && ');
  const summary = [changes.length ? `${args.path}: ${describeChanges(changes)}` : '', extra.summary].filter(Boolean).join('; ');
  return result(args, t, withAttrs(t, w), summary, script, extra.predict);
}

/** Owner/group a path created in `dir` gets (the become user; a setgid dir's group). */
function fresh(facts: FactValues<FileFacts>, dir: string): { owner?: string; group?: string } {
  return facts.me ? newOwnership(facts.me, facts[`up:${dir}`]) : {};
}

function requireParent(facts: FactValues<FileFacts>, path: string): void {
  const dir = hostDirname(path);
  const p = facts[`up:${dir}`];
  if (p && !p.exists)
    throw conflict(path, `cannot be created: directory ${dir} does not exist`, "create it first with a file task (state: 'directory')");
  if (p && p.type === 'file') throw conflict(path, `cannot be created: ${dir} is a file`, 'fix the path');
}

function planDirectory(facts: FactValues<FileFacts>, args: FileOptions, w: Attrs): Plan<FilePlanData> {
  const t = facts.target;
  const path = args.path;
  if (t.exists && t.type !== 'dir')
    throw conflict(path, `is a ${typeName(t)}, not a directory`, "remove it first with state 'absent', or choose another path");
  if (t.exists) {
    const below = recurseChanges(path, facts.tree, w);
    const refused = below.script ? unsafeTree({ ...t, path }, facts.tree ?? [], facts.me, w) : undefined;
    if (refused) throw refused;
    return attrsOnly(args, t, w, below);
  }
  const missing: string[] = [];
  let deepest = '/';
  for (const a of neededAncestors(args)) {
    const st = facts[`up:${a}`];
    if (st?.exists && missing.length === 0) deepest = a;
    if (st?.exists && st.type === 'file') throw conflict(path, `cannot be created: ${a} is a file`, 'fix the path or remove that file');
    if (!st?.exists || missing.length > 0) missing.push(a);
  }
  const mode = w.mode ?? DEFAULT_DIR_MODE;
  const predict: Record<string, PathState> = {};
  const own = fresh(facts, deepest);
  for (const d of missing) predict[d] = { exists: true, type: 'dir', mode: DEFAULT_DIR_MODE, ...own };
  const after = withAttrs({ exists: true, type: 'dir', mode, ...own }, w);
  const parents = missing.length ? ` (and parents ${missing.join(', ')})` : '';
  return result(args, t, after, `would create directory ${path} mode ${formatMode(mode)}${parents}`, safeMkdir(path, w, mode), predict);
}

function planLink(facts: FactValues<FileFacts>, args: FileOptions, w: Attrs): Plan<FilePlanData> {
  const t = facts.target;
  const path = args.path;
  const src = args.src ?? '';
  const after = withAttrs({ exists: true, type: 'link', target: src, ...fresh(facts, hostDirname(path)) }, w);
  // The new link's owner (chown -h, by name in a checked directory); no mode on a link.
  const own = safeAttrs(path, { exists: true, type: 'link' }, { owner: w.owner, group: w.group });
  if (t.exists && t.type === 'link' && t.target === src) return attrsOnly(args, t, w);
  if (!t.exists) {
    requireParent(facts, path);
    return result(args, t, after, `would link ${path} -> ${src}`, [safeLink(path, src, w.owner, false), own].filter(Boolean).join(' && '));
  }
  if (t.type === 'dir') throw conflict(path, 'is a directory, not a link', "remove it first with state 'absent'");
  if (t.type !== 'link' && !args.force)
    throw conflict(path, `is a ${typeName(t)}, not a link`, 'set force: true to replace it with the link');
  // Replace atomically: a new link beside it, renamed over it.
  const script = [safeLink(path, src, w.owner ?? t.owner, true), own].filter(Boolean).join(' && ');
  const was = t.type === 'link' ? `-> ${t.target ?? '?'}` : `(was a ${typeName(t)})`;
  return result(args, t, after, `would relink ${path} -> ${src} ${was}`, script);
}
