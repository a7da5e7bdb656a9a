import { TsplayError } from '../errors.js';
import type { SerialSpec } from '../playbook.js';

/** One batch size from a number or a percentage of `total` (at least 1, as in Ansible). */
function batchSize(spec: number | string, total: number, field: string): number {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 1) throw badSerial(`${spec} is not a positive whole number`, field);
    return spec;
  }
  const m = /^(\d+(?:\.\d+)?)%$/.exec(spec);
  if (!m) throw badSerial(`"${spec}" is neither a number nor a percentage like "30%"`, field);
  const pct = Number(m[1]);
  if (pct <= 0 || pct > 100) throw badSerial(`"${spec}" must be above 0% and at most 100%`, field);
  return Math.max(1, Math.floor((total * pct) / 100));
}

function badSerial(msg: string, field: string): TsplayError {
  return new TsplayError('PLAY_INVALID', `serial: ${msg}`, {
    field,
    hint: 'serial: 2, serial: "30%", or serial: [1, "50%"] (the last size repeats)',
  });
}

/**
 * Split a play's hosts into rolling batches (Ansible's `serial`): a size, a percentage of the hosts, or a
 * list of sizes whose last one repeats. Without serial, one batch of every host.
 */
export function splitBatches<T>(hosts: readonly T[], serial: SerialSpec | undefined, field = 'serial'): T[][] {
  if (serial === undefined) return hosts.length ? [[...hosts]] : [];
  const specs = Array.isArray(serial) ? (serial as readonly (number | string)[]) : [serial as number | string];
  if (specs.length === 0) throw badSerial('the list is empty', field);
  const sizes = specs.map((s, i) => batchSize(s, hosts.length, Array.isArray(serial) ? `${field}.${i}` : field));
  const out: T[][] = [];
  let at = 0;
  for (let i = 0; at < hosts.length; i++) {
    const n = sizes[Math.min(i, sizes.length - 1)] as number;
    out.push(hosts.slice(at, at + n));
    at += n;
  }
  return out;
}

/** True when the failed share of a batch is over the play's limit (Ansible: strictly greater than). */
export function overFailLimit(failed: number, size: number, maxFailPercentage: number | undefined): boolean {
  if (size === 0 || failed === 0) return false;
  if (maxFailPercentage === undefined) return failed === size;
  return (failed / size) * 100 > maxFailPercentage;
}
