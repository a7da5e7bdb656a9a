import { defineModule, type Module, type Plan } from '@tsplay/core';
import type { z } from 'zod';
import type { ContentResult } from '../common/content-apply.js';
import type { ContentPlanData, ContentTarget } from '../common/content-plan.js';
import { applyTextFile, planTextEdit, textFileFacts, type TextFileFacts } from './text-file.js';

export interface TextFileModuleDef<S extends z.ZodType> {
  name: string;
  args: S;
  /** The file the task edits and how it is written (mode, owner, group, backup, validate, secret). */
  target: (args: z.output<S>) => ContentTarget;
  /**
   * Pure: the file's new text from its current text (undefined: the file does not exist).
   * Return undefined to leave a missing file missing.
   */
  edit: (text: string | undefined, args: z.output<S>) => string | undefined;
  /** Names the change in summaries: "would update /etc/x from <label>". */
  label: string;
}

export type TextFileModule<S extends z.ZodType> = Module<S, TextFileFacts, ContentResult, ContentPlanData>;

/**
 * A module that edits one text file (lineinfile, blockinfile, sysctl, authorized_key...): facts,
 * an exact check-mode prediction, the diff, and an atomic write all come from the kit; the module
 * only says which file and how its text changes.
 */
export function defineTextFileModule<S extends z.ZodType>(def: TextFileModuleDef<S>): TextFileModule<S> {
  return defineModule<S, TextFileFacts, ContentResult, ContentPlanData>({
    name: def.name,
    args: def.args,
    facts: (a, ctx) => textFileFacts(def.target(a).dest, ctx.become),
    plan: (facts, a): Plan<ContentPlanData> => planTextEdit(facts, def.target(a), (text) => def.edit(text, a), def.label),
    apply: async (ctx, a, plan) => ({ data: await applyTextFile(ctx, def.target(a), plan) }),
    resultFromPlan: (_plan, a) => ({ dest: def.target(a).dest }),
    secret: (a) => def.target(a).secret,
  });
}
