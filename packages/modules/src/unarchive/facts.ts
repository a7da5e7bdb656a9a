import { commandFact, pathFact, quote, unknownFact, type FactQuery, type PathState, type PlanContext } from '@tsplay/core';
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
  const fresh = opts.check === false;
  const key = `unarchive${fresh ? '-run' : ''}:${JSON.stringify([args.src, args.dest, args.stripComponents, args.include ?? null])}`;
  // When every include pattern names its target exactly, the result depends only on the archive and those
  // targets: the runner may answer it from the workstation's signature cache instead of unpacking again.
  const targets = inferTargets(args);
  const exact = args.include !== undefined && targets.length === args.include.length;
  return commandFact(key, archiveScript(args, { fresh, hashAll: !fresh }), (r) => parseArchive(r.stdout, r.stderr), {
    ...(exact ? { cacheBy: [args.src, args.dest, ...targets.map((t) => `${args.dest.replace(/\/$/, '')}/${t}`)] } : {}),
    fromOverlay: (o) => {
      const s = o.path(args.src);
      if (!s) return undefined;
      return s.exists ? { state: 'pending' } : { state: 'missing' };
    },
  });
}

/**
 * Which of the targets that `include` names exactly already exist under dest (for an archive that
 * is only predicted in check mode: with none there, extracting changes exactly those; with some,
 * what it would change is unknown). Answered from the overlay when an earlier task predicts them.
 */
export function existingTargetsFact(args: UnarchiveOptions): FactQuery<string[]> {
  const paths = inferTargets(args).map((t) => `${args.dest.replace(/\/$/, '')}/${t}`);
  const fact = commandFact(
    `unarchive-targets:${JSON.stringify(paths)}`,
    paths.length ? `for p in ${paths.map(quote).join(' ')}; do if [ -e "$p" ] || [ -L "$p" ]; then printf '%s\\n' "$p"; fi; done` : ':',
    (r) => r.stdout.split('\n').filter(Boolean),
    {
      fromOverlay: (o) => {
        const why = paths.map((p) => o.unknown(p)).find((w) => w !== undefined);
        if (why !== undefined) return unknownFact(why);
        const known = paths.map((p) => o.path(p));
        if (known.every((k) => k === undefined)) return undefined;
        if (known.some((k) => k === undefined)) return unknownFact('some of its targets are predicted by earlier tasks and some are not');
        return paths.filter((_, i) => known[i]?.exists);
      },
    },
  );
  return { ...fact, paths };
}

/** Relative workstation paths resolve against the run's base directory (the playbook's), else the cwd. */
export function baseDirOf(ctx: PlanContext): string {
  return ctx.baseDir ?? process.cwd();
}

/** The facts an unarchive plans from: the archive's members with their targets' state, and dest. */
export function unarchiveFacts(
  args: UnarchiveOptions,
  ctx: PlanContext,
): { archive: FactQuery<ArchiveState>; dest: FactQuery<PathState>; existing: FactQuery<string[]> } {
  const archive = args.copyFromLocal ? localArchiveFact(args, baseDirOf(ctx)) : archiveFact(args, { check: ctx.check });
  return { archive, dest: pathFact(args.dest), existing: existingTargetsFact(args) };
}
