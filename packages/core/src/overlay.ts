import type { PathState } from './connection.js';
import type { OverlayView, UnitState } from './facts.js';
import type { Prediction } from './module.js';

/**
 * Check mode's predicted state of one host: what earlier tasks' plans said they would make.
 * Later tasks' facts about these paths/units are answered from here instead of the host; paths an
 * earlier task would change in a way no plan can describe are `unknown`, with the reason.
 */
export class Overlay implements OverlayView {
  readonly paths = new Map<string, PathState>();
  readonly units = new Map<string, Partial<UnitState>>();
  /** Path -> label of the task that would change it (for "depends on TASK, which would change PATH"). */
  readonly changedBy = new Map<string, string>();
  readonly unknownPaths = new Map<string, string>();
  /** Tasks predicted to change the host in ways they do not describe (a command that would run). */
  readonly opaque: string[] = [];

  path(path: string): PathState | undefined {
    return this.paths.get(normalize(path));
  }

  unit(name: string): Partial<UnitState> | undefined {
    return this.units.get(name);
  }

  touches(path: string): boolean {
    return firstUnder(this.changedBy, normalize(path)) !== undefined;
  }

  unknown(path: string): string | undefined {
    const p = normalize(path);
    // The path itself or a directory above it: an unknown entry below `p` says nothing about `p`.
    const own = this.unknownPaths.get(p);
    const hit: [string, string] | undefined = own !== undefined ? [p, own] : ancestor(this.unknownPaths, p);
    return hit === undefined ? undefined : `depends on ${hit[1]}, which would change ${hit[0]}`;
  }

  /** The first predicted change, as "TASK, which would change PATH" (for reasons). */
  firstChange(): string | undefined {
    const first = this.changedBy.entries().next();
    if (!first.done) return `${first.value[1]}, which would change ${first.value[0]}`;
    return this.opaque[0] === undefined ? undefined : `${this.opaque[0]}, which would change the host`;
  }

  record(pred: Prediction | undefined, by = 'an earlier task'): void {
    if (!pred) return;
    const described = Object.keys(pred.paths ?? {}).length + (pred.unknown?.length ?? 0) + Object.keys(pred.units ?? {}).length;
    if (described === 0) this.opaque.push(by);
    for (const [p, st] of Object.entries(pred.paths ?? {})) {
      const n = normalize(p);
      this.paths.set(n, st);
      this.changedBy.set(n, by);
      this.unknownPaths.delete(n);
    }
    for (const p of pred.unknown ?? []) {
      const n = normalize(p);
      this.paths.delete(n);
      // already unknown: keep the task it first depended on (a later unknown task only passes it on)
      const first = this.unknownPaths.get(n) ?? by;
      this.changedBy.set(n, first);
      this.unknownPaths.set(n, first);
    }
    for (const [u, st] of Object.entries(pred.units ?? {})) this.units.set(u, { ...this.units.get(u), ...st });
  }
}

/**
 * The paths an unknown task may change, from the paths its facts read: without the directories above
 * another of them (a module reads the parent of what it writes; the parent's other entries stay known).
 */
export function changedPaths(paths: readonly string[]): string[] {
  const all = [...new Set(paths.map(normalize))];
  return all.filter((p) => !all.some((q) => q !== p && q.startsWith(p === '/' ? '/' : `${p}/`)));
}

function normalize(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** The first entry at `p` or under it (for `touches`). */
function firstUnder(m: Map<string, string>, p: string): [string, string] | undefined {
  for (const e of m) if (e[0] === p || e[0].startsWith(p === '/' ? '/' : `${p}/`)) return e;
  return undefined;
}

/** An entry that is a directory above `p` (its content is unknown, so is p's); `/` is above every path. */
function ancestor(m: Map<string, string>, p: string): [string, string] | undefined {
  for (const e of m) if (p.startsWith(e[0] === '/' ? '/' : `${e[0]}/`) && p !== e[0]) return e;
  return undefined;
}
