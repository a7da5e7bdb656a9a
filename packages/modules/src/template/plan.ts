import { createHash } from 'node:crypto';
import {
  planContent,
  registerSecret,
  TsplayError,
  type ContentPlanData,
  type DestFacts,
  type FactValues,
  type Plan,
} from '../kit/index.js';
import type { TemplateOptions } from './args.js';

/** Call the template function; a throw or a non-string is an argument error naming `template`. */
export function render(args: TemplateOptions): string {
  let out: unknown;
  try {
    out = args.template(args.vars);
  } catch (e) {
    throw new TsplayError('ARGS_INVALID', `template for ${args.dest} threw: ${(e as Error).message ?? String(e)}`, {
      field: 'template',
      hint: 'check the vars passed to the template function',
      cause: e,
    });
  }
  if (typeof out !== 'string') {
    throw new TsplayError('ARGS_INVALID', `template for ${args.dest} returned ${out === null ? 'null' : typeof out}, not a string`, {
      field: 'template',
    });
  }
  return out;
}

/** Pure (the template function must be): render, then plan like copy with content. */
export function planTemplate(facts: FactValues<DestFacts>, args: TemplateOptions): Plan<ContentPlanData> {
  const text = render(args);
  if (args.secret) registerSecret(text);
  const bytes = Buffer.from(text, 'utf8');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return planContent(facts, args, { kind: 'bytes', bytes, sha256, label: 'template' });
}
