import { contentTargetShape, isSecret } from '../kit/index.js';
import { z } from 'zod';

/** A template is a plain TypeScript function from its vars to the file's text. */
export type TemplateFn<V = any> = (vars: V) => string;

const templateFn = z.custom<TemplateFn>((v) => typeof v === 'function', {
  message: 'must be a function (vars) => string',
});

export const templateArgsSchema = z
  .object({
    ...contentTargetShape,
    /** The render function; called once per host during planning, must be pure. */
    template: templateFn.describe('The render function; called once per host during planning, must be pure'),
    /** The value passed to `template` (typed against it with `templateArgs`). */
    vars: z.unknown().optional().describe('The value passed to `template` (typed against it with `templateArgs`)'),
  })
  .strict()
  .transform((a) => ({ ...a, secret: a.secret || containsSecret(a.vars) }));

/** True when a `Secret` is anywhere in the vars (then the rendered file is treated as secret). */
export function containsSecret(v: unknown, depth = 0, seen = new Set<unknown>()): boolean {
  if (isSecret(v)) return true;
  if (depth > 8 || v === null || typeof v !== 'object' || seen.has(v)) return false;
  seen.add(v);
  const values = v instanceof Map ? [...v.values()] : Array.isArray(v) ? v : Object.values(v);
  return values.some((x) => containsSecret(x, depth + 1, seen));
}

export type TemplateArgs = z.input<typeof templateArgsSchema>;
export type TemplateOptions = z.output<typeof templateArgsSchema>;

/** Template args whose `vars` are checked by tsc against the template function's parameter. */
export type TypedTemplateArgs<V> = Omit<TemplateArgs, 'template' | 'vars'> & { template: TemplateFn<V>; vars: V };

/**
 * Typed constructor for template args: `templateArgs({ dest, template: etcdUnit, vars: { name, ip } })`
 * fails to compile when `vars` does not fit `etcdUnit`'s parameter.
 */
export function templateArgs<V>(args: TypedTemplateArgs<V>): TemplateArgs {
  return args as TemplateArgs;
}
