import { writeSafetyFacts, type WriteSafetyFacts } from '../kit/index.js';
import {
  defineFact,
  identityFact,
  pathFact,
  quote,
  unknownFact,
  type FactQuery,
  type Identity,
  type PathState,
  type PlanContext,
} from '../kit/index.js';
import type { UnarchiveOptions } from './args.js';
import { localArchiveFact } from './local.js';
import { parseArchive } from './parse.js';
import { archiveScript, type ArchiveState } from './probe.js';
import { inferTargets } from './targets.js';

export type { ArchiveState, LocalArchive, Member } from './probe.js';

/** The archive's matching members with their sha256 and the state of their targets, in one probe. */
export function archiveFact(args: UnarchiveOptions, opts: { check?: boolean } = {}): FactQuery<ArchiveState> {
  // A real run neither reads the archive when no exactly named target exists nor hashes a member whose target is
  // missing (it is written anyway); check mode hashes every member, so its predictions carry their sha256.
  return hostArchiveFact(args, opts.check === false);
}

const hostArchiveFact = defineFact({
  module: 'unarchive',
  name: 'archive',
  id: (args: UnarchiveOptions, fresh: boolean) => [fresh, args.src, args.dest, args.stripComponents, args.include ?? null],
  script: (args, fresh) => archiveScript(args, { fresh, hashAll: !fresh }),
  parse: (r) => parseArchive(r.stdout, r.stderr),
  // reads the archive and what is below dest: a change elsewhere (a download before it is one at src) keeps it
  paths: (args) => [args.src, args.dest],
  // When every include pattern names its target exactly, the result depends only on the archive and those
  // targets: the runner may answer it from the workstation's signature cache instead of unpacking again. Not
  // dest itself: the answer reads nothing of it, and the workstation keeps no answer whose signature has a
  // small entry (a directory is one), so --check, which writes no host index, would unpack on every run.
  cacheBy: (args) => {
    const targets = inferTargets(args);
    const exact = args.include !== undefined && targets.length === args.include.length;
    return exact ? [args.src, ...targets.map((t) => `${args.dest.replace(/\/$/, '')}/${t}`)] : undefined;
  },
  fromOverlay: (o, args): ArchiveState | undefined => {
    const s = o.path(args.src);
    if (!s) return undefined;
    return s.exists ? { state: 'pending' } : { state: 'missing' };
  },
});

/**
 * Which of the targets that `include` names exactly already exist under dest (for an archive that
 * is only predicted in check mode: with none there, extracting changes exactly those; with some,
 * what it would change is unknown). Answered from the overlay when an earlier task predicts them.
 */
export function existingTargetsFact(args: UnarchiveOptions): FactQuery<string[]> {
  return existingFact(inferTargets(args).map((t) => `${args.dest.replace(/\/$/, '')}/${t}`));
}

/** Builtins only, so the probe runs it in its own shell (the fast path) and the subshell never runs. */
const existingScript = (paths: readonly string[]): string =>
  paths.length
    ? `for __f_p in ${paths.map(quote).join(' ')}; do if [ -e "$__f_p" ] || [ -L "$__f_p" ]; then printf '%s\\n' "$__f_p"; fi; done`
    : ':';

const existingFact = defineFact({
  module: 'unarchive',
  name: 'existing',
  script: existingScript,
  fastPath: (paths) => `${existingScript(paths)}; __q=1`,
  parse: (r) => r.stdout.split('\n').filter(Boolean),
  paths: (paths) => paths,
  fromOverlay: (o, paths) => {
    const why = paths.map((p) => o.unknown(p)).find((w) => w !== undefined);
    if (why !== undefined) return unknownFact(why);
    const known = paths.map((p) => o.path(p));
    if (known.every((k) => k === undefined)) return undefined;
    if (known.some((k) => k === undefined)) return unknownFact('some of its targets are predicted by earlier tasks and some are not');
    return paths.filter((_, i) => known[i]?.exists);
  },
});

/** Relative workstation paths resolve against the run's base directory (the playbook's), else the cwd. */
export function baseDirOf(ctx: PlanContext): string {
  return ctx.baseDir ?? process.cwd();
}

/** The facts an unarchive plans from: the archive's members with their targets' state, and dest. */
export function unarchiveFacts(
  args: UnarchiveOptions,
  ctx: PlanContext,
): {
  archive: FactQuery<ArchiveState>;
  dest: FactQuery<PathState>;
  existing: FactQuery<string[]>;
  me: FactQuery<Identity>;
} & WriteSafetyFacts {
  const archive = args.copyFromLocal ? localArchiveFact(args, baseDirOf(ctx)) : archiveFact(args, { check: ctx.check });
  // The apply's safe-write check of dest and every directory above it (see apply.ts).
  return {
    archive,
    dest: pathFact(args.dest),
    existing: existingTargetsFact(args),
    me: identityFact(ctx.become),
    ...writeSafetyFacts(`${args.dest.replace(/\/+$/, '')}/.`, { become: ctx.become }),
  };
}
