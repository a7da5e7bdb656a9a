import { TsplayError, type ApplyContext, type PathState, type Plan } from '@tsplay/core';
import { pathFact, type FactQuery, type FactValues } from '@tsplay/core/module';
import { applyContent, type ContentResult } from '../common/content-apply.js';
import { planContent, type ContentPlanData, type ContentTarget } from '../common/content-plan.js';
import { identityFact, type Identity } from '../common/identity.js';
import { sha256Hex } from '../common/known-content.js';
import { hostDirname } from '../common/paths.js';
import { textFact, type TextContent } from './facts.js';
import { writeSafetyFacts, type WriteSafetyFacts } from './write-safety.js';

/** Facts of a text file a task edits: its state (with sha256), its parent, who writes it, its text. */
export type TextFileFacts = {
  dest: FactQuery<PathState>;
  parent: FactQuery<PathState>;
  me: FactQuery<Identity>;
  old: FactQuery<TextContent>;
} & WriteSafetyFacts;

export function textFileFacts(path: string, become: boolean | string): TextFileFacts {
  return {
    dest: pathFact(path, { hash: true }),
    parent: pathFact(hostDirname(path)),
    me: identityFact(become),
    old: textFact(path),
    ...writeSafetyFacts(path, { become }),
  };
}

/** The file's current text, or undefined when it does not exist; binary or huge files are an error naming `field`. */
export function currentText(facts: FactValues<TextFileFacts>, path: string, field = 'path'): string | undefined {
  const o = facts.old;
  if (o.kind === 'absent') {
    if (facts.dest.exists)
      throw new TsplayError('WRITE_FAILED', `${path} is not a regular file`, { field, hint: 'give the path of a text file' });
    return undefined;
  }
  if (o.kind === 'text') return o.text;
  throw new TsplayError('WRITE_FAILED', `${path} is ${o.kind === 'binary' ? 'a binary file' : `too large to edit (${o.size} bytes)`}`, {
    field,
    hint: 'line edits work on text files up to 1 MiB; use copy or template to replace the whole file',
  });
}

/** Plan writing `text` to the target: unchanged when the hash matches; else an exact prediction and a diff. */
export function planTextFile(facts: FactValues<TextFileFacts>, t: ContentTarget, text: string, label: string): Plan<ContentPlanData> {
  const bytes = Buffer.from(text, 'utf8');
  return planContent(facts, t, { kind: 'bytes', bytes, sha256: sha256Hex(bytes), label });
}

/**
 * Plan an edit of the target's text: `edit` maps the current text (undefined: no file) to the new one, or to
 * undefined to leave a missing file missing.
 */
export function planTextEdit(
  facts: FactValues<TextFileFacts>,
  t: ContentTarget,
  edit: (text: string | undefined) => string | undefined,
  label: string,
): Plan<ContentPlanData> {
  const next = edit(currentText(facts, t.dest));
  if (next === undefined) return { changed: false, summary: `${t.dest} does not exist (nothing to do)` };
  return planTextFile(facts, t, next, label);
}

/** Write what `planTextFile` planned (atomically: temp file, fsync, rename; validated first when asked). */
export function applyTextFile(ctx: ApplyContext, t: ContentTarget, plan: Plan<ContentPlanData>): Promise<ContentResult> {
  return applyContent(ctx, t, plan);
}
