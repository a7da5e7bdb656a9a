import { destFacts, sha256Hex, type DestFacts, type PlanContext } from '../kit/index.js';
import type { TemplateOptions } from './args.js';
import { render } from './plan.js';

/** The rendered content's sha256, or undefined when the template throws (the plan reports that, as before). */
function wantedSha256(args: TemplateOptions): string | undefined {
  if (args.secret) return undefined;
  try {
    return sha256Hex(render(args));
  } catch {
    return undefined;
  }
}

/** dest with its sha256, its parent directory and (unless secret) its current text for the diff, read only when it differs from the render. */
export function templateFacts(args: TemplateOptions, ctx: PlanContext): DestFacts {
  return destFacts(args.dest, { secret: args.secret, become: ctx.become, sha256: wantedSha256(args) });
}
