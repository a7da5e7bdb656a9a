import type { PathState } from './connection.js';
import type { OverlayView, UnitState } from './facts.js';
import type { Prediction } from './module.js';

/**
 * Check mode's predicted state of one host: what earlier tasks' plans said they would make.
 * Later tasks' facts about these paths/units are answered from here instead of the host.
 */
export class Overlay implements OverlayView {
  readonly paths = new Map<string, PathState>();
  readonly units = new Map<string, Partial<UnitState>>();

  path(path: string): PathState | undefined {
    return this.paths.get(normalize(path));
  }

  unit(name: string): Partial<UnitState> | undefined {
    return this.units.get(name);
  }

  touches(path: string): boolean {
    const p = normalize(path);
    for (const k of this.paths.keys()) if (k === p || k.startsWith(`${p}/`)) return true;
    return false;
  }

  record(pred: Prediction | undefined): void {
    if (!pred) return;
    for (const [p, st] of Object.entries(pred.paths ?? {})) this.paths.set(normalize(p), st);
    for (const [u, st] of Object.entries(pred.units ?? {})) this.units.set(u, { ...this.units.get(u), ...st });
  }
}

function normalize(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}
