import { destFacts, type DestFacts, type PlanContext } from '../kit/index.js';
import type { TemplateOptions } from './args.js';

/** dest with its sha256, its parent directory and (unless secret) its current text for the diff. */
export function templateFacts(args: TemplateOptions, ctx: PlanContext): DestFacts {
  return destFacts(args.dest, { secret: args.secret, become: ctx.become });
}
