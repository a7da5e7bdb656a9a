import { inferTargets } from './targets.js';
import { unsafeWrite } from '../kit/index.js';
import { formatMode, TsplayError, type Identity, type PathState, type Plan } from '../kit/index.js';
import { unsafeSubdir, unsafeSubdirError } from './safe.js';
import type { UnarchiveOptions } from './args.js';
import type { ArchiveState, LocalArchive, Member } from './facts.js';

export interface UnarchiveFactValues {
  archive: ArchiveState;
  dest: PathState;
  /** Targets named exactly by `include` that already exist (see existingTargetsFact). */
  existing?: string[] | undefined;
  /** Who extracts (after become): their directories below dest are safe too. */
  me?: Identity | undefined;
}

/** One member to put in place, as apply needs it. */
export interface Install {
  path: string;
  type: Member['type'];
  /** Final mode (files: `mode` arg or the archive's; dirs: the archive's); undefined: as extracted (a fresh run). */
  mode: number | undefined;
  /** The content the plan saw; undefined when it was not read (the target was missing: it is written anyway). */
  sha256?: string | undefined;
}

export interface UnarchivePlanData {
  install: Install[];
  /** With copyFromLocal: the workstation archive to upload (its sha256 as planned). */
  local?: LocalArchive | undefined;
  /** A fresh run: the archive was not read; apply puts everything it extracts in place (`install`: the named targets). */
  fresh?: boolean | undefined;
}

function join(dest: string, rel: string): string {
  return dest === '/' ? `/${rel}` : `${dest}/${rel}`;
}

/** Why a member's target is not right yet ('' when it is). */
export function drift(m: Member, args: UnarchiveOptions): string {
  const d = m.dest;
  if (!d.exists) return 'missing';
  if (d.type !== m.type) return `is a ${d.type ?? 'other'}`;
  if (m.type === 'dir') return '';
  if (m.type === 'link') return d.target === m.target ? '' : 'link target differs';
  if (m.sha256 === undefined) return 'content not compared';
  if (d.sha256 !== m.sha256) return 'content differs';
  const mode = args.mode ?? m.mode;
  if (d.mode !== mode) return `mode ${formatMode(d.mode)} -> ${formatMode(mode)}`;
  if (args.owner !== undefined && d.owner !== args.owner) return `owner ${d.owner ?? '?'} -> ${args.owner}`;
  if (args.group !== undefined && d.group !== args.group) return `group ${d.group ?? '?'} -> ${args.group}`;
  return '';
}

function predicted(m: Install, args: UnarchiveOptions, before: PathState): PathState {
  if (m.type === 'dir') return { exists: true, type: 'dir', mode: m.mode };
  const keep = before.exists && before.type === m.type;
  return {
    exists: true,
    type: m.type,
    mode: m.type === 'link' ? 0o777 : m.mode,
    owner: args.owner ?? (keep ? before.owner : undefined),
    group: args.group ?? (keep ? before.group : undefined),
    sha256: m.sha256,
  };
}

function listing(items: string[]): string {
  return items.length > 8 ? `${items.slice(0, 8).join(', ')}, … (${items.length - 8} more)` : items.join(', ');
}

/** A real run whose exactly named targets are all missing: extracting writes exactly them, so the archive was not read. */
function planFresh(args: UnarchiveOptions): Plan<UnarchivePlanData> {
  const targets = inferTargets(args);
  const install: Install[] = targets.map((path) => ({ path, type: 'file', mode: args.mode }));
  const paths: Record<string, PathState> = {};
  for (const m of install)
    paths[join(args.dest, m.path)] = { exists: true, type: 'file', mode: m.mode, owner: args.owner, group: args.group, sha256: undefined };
  return {
    changed: true,
    summary: `would extract ${targets.length} member(s) into ${args.dest}: ${listing(targets.map((t) => `${t} (missing)`))}`,
    predict: { paths },
    data: { install, fresh: true },
  };
}

/** Pure: compare the archive's members with dest and say what extracting would change. */
export function planUnarchive(f: UnarchiveFactValues, args: UnarchiveOptions, ctx: { check: boolean }): Plan<UnarchivePlanData> {
  const plan = planUnarchiveChange(f, args, ctx.check);
  // The apply's safe-write check of dest would refuse: fail as it would, in check mode too.
  const refused = plan.changed ? unsafeWrite(f, `${args.dest.replace(/\/+$/, '')}/.`, undefined) : undefined;
  if (refused) throw refused;
  // ... and so would its check of dest's subdirectories (known when the archive was read).
  const sub = plan.changed && f.archive.state === 'ok' ? unsafeSubdir(f.archive.members, f.me, args.dest) : undefined;
  if (sub) throw unsafeSubdirError(args.src, args.dest, sub);
  return plan;
}

function planUnarchiveChange(f: UnarchiveFactValues, args: UnarchiveOptions, check: boolean): Plan<UnarchivePlanData> {
  if (!f.dest.exists || f.dest.type !== 'dir') {
    throw new TsplayError('WRITE_FAILED', `cannot extract into ${args.dest}: ${f.dest.exists ? 'not a directory' : 'it does not exist'}`, {
      field: 'dest',
      hint: 'create the directory first (file module, state: directory)',
    });
  }
  const a = f.archive;
  if (a.state === 'missing') {
    const where = args.copyFromLocal ? 'the workstation' : 'the host';
    throw new TsplayError('ARCHIVE_FAILED', `archive ${args.src} does not exist on ${where}`, {
      field: 'src',
      hint: args.copyFromLocal
        ? 'relative paths resolve against the playbook directory'
        : 'download it first (download module) or fix the path',
    });
  }
  if (a.state === 'error') {
    const unmatched = /Not found in archive/.test(a.message);
    throw new TsplayError('ARCHIVE_FAILED', `cannot read ${args.src}: ${a.message.slice(0, 500)}`, {
      field: unmatched ? 'include' : 'src',
      hint: unmatched ? 'an include pattern matched no member; list them with tar -tf' : 'is it a tar archive (.tar, .tar.gz, .tgz)?',
    });
  }
  if (a.state === 'fresh') return planFresh(args);
  if (a.state === 'pending') {
    const targets = inferTargets(args);
    const paths: Record<string, PathState> = {};
    for (const t of targets) {
      paths[join(args.dest, t)] = { exists: true, type: 'file', mode: args.mode, owner: args.owner, group: args.group, sha256: undefined };
    }
    const what = targets.length > 0 ? `: ${listing(targets)}` : ' (its members are not known until it exists)';
    const exact = args.include !== undefined && targets.length === args.include.length && (f.existing ?? []).length === 0;
    // A real run (the archive is written by an earlier task of the same exec, e.g. its download): with no target
    // there, a probe after that task would answer `fresh`, so extracting is planned as it would be then.
    if (exact && !check) return planFresh(args);
    return {
      changed: true,
      // Fresh targets: extracting creates exactly them. Otherwise their content decides, and it is not known yet.
      ...(exact
        ? {}
        : {
            unknown: `${args.src} is not on the host yet and ${targets.length ? 'some of its targets exist' : 'its members are not known'}: what extracting would change depends on its content`,
          }),
      summary: `would extract ${args.src} (not on the host yet) into ${args.dest}${what}`,
      predict: { paths },
      data: { install: [] },
    };
  }
  const install: Install[] = [];
  const notes: string[] = [];
  const paths: Record<string, PathState> = {};
  for (const m of a.members) {
    const why = drift(m, args);
    if (!why) continue;
    const item: Install = { path: m.path, type: m.type, mode: m.type === 'file' ? (args.mode ?? m.mode) : m.mode, sha256: m.sha256 };
    install.push(item);
    notes.push(`${m.path} (${why})`);
    paths[join(args.dest, m.path)] = predicted(item, args, m.dest);
  }
  if (install.length === 0) {
    return { changed: false, summary: `${a.members.length} member(s) of ${args.src} in ${args.dest} are up to date`, data: { install } };
  }
  return {
    changed: true,
    summary: `would extract ${install.length} of ${a.members.length} member(s) into ${args.dest}: ${listing(notes)}`,
    predict: { paths },
    data: { install, local: a.local },
  };
}

export { inferTargets };
