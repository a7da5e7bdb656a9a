import type { FactQuery } from './facts.js';
import { statVar } from './shared-stat.js';
import { quote } from './sh.js';

/**
 * One `systemctl show` of a unit for every fact of a batch that reads it (the systemd module's unit state and
 * a service's restart check beside it: two `systemctl show` a host per probe before, ~15 ms each). A fact says
 * so with `FactQuery.unitShow` and reads the lines through `unitShowRead`: the batch runs the show once, for
 * the union of their properties, into a variable of its own shell, and each fact's subshell takes it from
 * there; where no batch did (a lone probe, a single reader), the fact runs its own `systemctl show`.
 */

/** A unit's `systemctl show` properties that a fact's script reads through `unitShowRead`. */
export interface UnitShow {
  unit: string;
  props: readonly string[];
}

/** Fewer readers than this: each runs its own show (nothing to share). */
const MIN_SHARED = 2;
const PROP = /^[A-Za-z]+$/;

const varOf = (unit: string): string => statVar('__su_', unit);

/** `V=$(systemctl show UNIT -p PROPS)`: timestamps as `@epoch` where systemd can print them so (248+), else its own format. */
function showInto(v: string, unit: string, props: readonly string[]): string {
  const bad = props.find((p) => !PROP.test(p));
  if (bad !== undefined || props.length === 0) throw new Error(`systemctl show: not a property name: ${JSON.stringify(bad ?? '')}`);
  const show = `systemctl show ${quote(unit)} -p ${props.join(',')}`;
  return `${v}=$(${show} --timestamp=unix 2>/dev/null </dev/null) || ${v}=$(${show} 2>/dev/null </dev/null)`;
}

/**
 * Shell that sets variable `into` to the `Property=value` lines of `unit` (at least `props`; the batch's shared
 * show may hold more): the batch's answer where it ran one, else its own `systemctl show`. Declare the same
 * unit and properties in the fact's `unitShow`.
 */
export function unitShowRead(unit: string, props: readonly string[], into: string): string {
  const v = varOf(unit);
  return `if [ -n "\${${v}_ok:-}" ]; then ${into}=$${v}; else ${showInto(into, unit, props)}; fi`;
}

/** The batch's shared shows: one per unit that two or more facts read, for the union of their properties. */
export function unitPrelude(facts: readonly FactQuery[]): string[] {
  const units = new Map<string, { readers: number; props: Set<string> }>();
  for (const f of facts) {
    if (f.unitShow === undefined) continue;
    const u = units.get(f.unitShow.unit) ?? { readers: 0, props: new Set<string>() };
    u.readers++;
    for (const p of f.unitShow.props) u.props.add(p);
    units.set(f.unitShow.unit, u);
  }
  return [...units]
    .filter(([, u]) => u.readers >= MIN_SHARED)
    .map(([unit, u]) => {
      const v = varOf(unit);
      return `${v}_ok=; if ${showInto(v, unit, [...u.props].sort())}; then ${v}_ok=1; fi`;
    });
}
