import { isUnknownFact, namesWhatItReads, type FactQuery } from '../facts.js';
import { answerWithoutProbe, type FactCache } from '../gather.js';
import { describedChange } from '../known.js';
import type { Plan } from '../module.js';
import { Overlay } from '../overlay.js';

/**
 * What run-ahead knows of a host while it plans a group of tasks for one exec (run-ahead.ts): the host's
 * answers that still hold after the changes planned before a task, and those changes as predictions. A
 * task whose facts read a path a planned change makes is answered from the prediction exactly as check
 * mode answers it (the fact's `fromOverlay`/`refine` over the host's answer), so e.g. the files copied
 * into a directory the group creates join the group instead of waiting for a probe of that directory.
 */
export class GroupFacts {
  /** The host's answers that hold after the planned changes; the exec probes after it the later tasks' facts not here. */
  readonly known: FactCache;
  /** The planned changes, as check mode records them; undefined after a change no plan describes. */
  private predicted: Overlay | undefined = new Overlay();

  constructor(private readonly host: FactCache) {
    this.known = host.clone();
  }

  /**
   * How a task's facts are answered without a probe: `{}` when the host's answers all still hold,
   * `{ predicted }` when some come from the planned changes, undefined when one needs the host.
   */
  answer(facts: Record<string, FactQuery>): { predicted?: Overlay } | undefined {
    const open = Object.values(facts).filter((f) => !this.known.values.has(f.key));
    if (open.length === 0) return {};
    const o = this.predicted;
    return o && open.every((f) => this.predictable(f, o)) ? { predicted: o } : undefined;
  }

  /** A task of the group plans to apply this. */
  applies(plan: Plan, by: string): void {
    const changed = describedChange(plan);
    if (changed) {
      this.known.forgetChanged(changed);
      this.predicted?.record(plan.predict, by);
    } else {
      this.known.clear();
      this.predicted = undefined;
    }
  }

  /**
   * Only a fact that names the paths it reads: from the prediction of one of them (`fromOverlay`), else the
   * host's answer from before the group (refined by the predictions when the fact can be), never unknown.
   */
  private predictable(f: FactQuery, o: Overlay): boolean {
    if (!namesWhatItReads(f)) return false;
    const a = answerWithoutProbe(f, o, this.host);
    return a !== undefined && !isUnknownFact(a.value);
  }
}
