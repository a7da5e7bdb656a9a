import {
  destFacts,
  localFileFact,
  pathFact,
  readLocalFile,
  registerSecret,
  reveal,
  sha256Hex,
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
  if (args.secret && args.content !== undefined) registerSecret(reveal(args.content));
  // the wanted content's sha256 (not known for remoteSrc): dest's old text is only read when it differs
  const want = args.secret ? undefined : args.content !== undefined ? sha256Hex(reveal(args.content)) : local?.sha256;
  const f: CopyFacts = destFacts(args.dest, { secret: args.secret, become: ctx.become, sha256: want });
  if (local) f.local = localFileFact(local);
  if (args.remoteSrc !== undefined) f.remote = pathFact(args.remoteSrc, { hash: true });
  return f;
}
