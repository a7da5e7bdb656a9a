import {
  destFacts,
  localFileFact,
  pathFact,
  readLocalFile,
  registerSecret,
  reveal,
  type DestFacts,
  type FactQuery,
  type LocalFile,
  type PathState,
  type PlanContext,
} from '../kit/index.js';
import type { CopyOptions } from './args.js';

export type CopyFacts = DestFacts & {
  /** `src`: the workstation file (read here, so plan stays pure). */
  local?: FactQuery<LocalFile>;
  /** `remoteSrc`: the source file on the host, with its sha256. */
  remote?: FactQuery<PathState>;
};

/** Relative `src` paths resolve against the run's base directory (the playbook's directory). */
export function baseDirOf(ctx: PlanContext): string {
  return (ctx as PlanContext & { baseDir?: string }).baseDir ?? process.cwd();
}

/** A vault- or age-encrypted `src` is decrypted on the workstation and makes the task secret (0600 without mode, no diff), as a Secret content does. */
export function copyFacts(args: CopyOptions, ctx: PlanContext): CopyFacts {
  const local = args.src === undefined ? undefined : readLocalFile(args.src, baseDirOf(ctx), { secret: args.secret, field: 'src' });
  if (local?.encrypted) args.secret = true;
  const f: CopyFacts = destFacts(args.dest, { secret: args.secret, become: ctx.become });
  if (args.secret && args.content !== undefined) registerSecret(reveal(args.content));
  if (local) f.local = localFileFact(local);
  if (args.remoteSrc !== undefined) f.remote = pathFact(args.remoteSrc, { hash: true });
  return f;
}
