import type { FactCache } from './gather.js';
import type { ApplyResult, Plan } from './module.js';

/**
 * The paths a change makes when its plan says everything it does: the paths it makes, and nothing a plan
 * cannot describe (a unit's start changes files no plan lists; a command says nothing). The check-mode
 * fuzzer proves these predictions: a later task's fact about any other path reads what it read before.
 * Undefined: the change is not described.
 */
export function describedChange(plan: Plan): string[] | undefined {
  const pred = plan.predict;
  if (!pred || plan.run === true || !plan.changed) return undefined;
  const paths = Object.keys(pred.paths ?? {});
  const described = paths.length > 0 && Object.keys(pred.units ?? {}).length === 0 && (pred.unknown ?? []).length === 0;
  return described ? paths : undefined;
}

/**
 * What a real apply leaves of the host's cached facts: a read-only apply that changed nothing keeps them
 * all but those read ahead of it (`FactCache.markEarly`); a described change drops only the answers about what it changed (so later tasks re-probe just
 * those); anything else drops them all.
 */
export function afterApply(cache: FactCache | undefined, plan: Plan, res: ApplyResult, readOnly: boolean): void {
  cache?.dropEarly();
  if (readOnly && !(res.changed ?? plan.changed)) return;
  const changed = res.failed || res.changed === false ? undefined : describedChange(plan);
  if (changed) cache?.forgetChanged(changed);
  else cache?.clear();
}
