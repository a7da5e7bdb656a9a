/**
 * The fuzzer's fingerprint of many cases at once: the same oracle and the same `Fingerprint` as
 * `../helpers/fingerprint.ts` (find -printf with its FORMAT, sha256sum of regular files, `systemctl show`
 * of the same properties), gathered with one `find` per kind of spec, one `sha256sum` and one
 * `systemctl show` for all units, instead of a few processes per object: a batch of 12 plays has 12
 * roots, 24 single paths and 12 units, and the per-object script spent most of its time starting
 * processes. The fuzzer checks, once per run, that both give the same map (`fuzz.test.ts`).
 */
import { quote } from '@tsplay/core';
import { labHostExec } from '@tsplay/lab';
import { parseFingerprint, type Fingerprint, type FingerprintSpec } from '../helpers/fingerprint.js';

/** The helper's find format (kept identical: the two fingerprints are compared). */
const FORMAT = "'P\\t%p\\t%y %m %u:%g %s i%i c%C@ ->%l\\n'";
const UNIT_PROPS = 'LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,MainPID';

/** Present objects of `paths` go into "$@", absent ones print their `absent` line; then one find over "$@". */
function findAll(paths: readonly string[], depth: string): string[] {
  if (paths.length === 0) return [];
  return [
    'set --',
    `for p in ${paths.map(quote).join(' ')}; do`,
    `  if [ -e "$p" ] || [ -L "$p" ]; then set -- "$@" "$p"; else printf 'P\\t%s\\tabsent\\n' "$p"; fi`,
    'done',
    'if [ $# -gt 0 ]; then',
    `  find "$@" ${depth} -printf ${FORMAT}`,
    `  find "$@" ${depth} -type f -exec sha256sum {} + | sed 's/^\\([0-9a-f]*\\)  /H\\t\\1\\t/'`,
    'fi',
  ];
}

/** The script (run as root): `P`/`H` lines as the helper's, then `systemctl show` of every unit with its Id. */
export function batchFingerprintScript(spec: FingerprintSpec): string {
  const lines = [
    ...findAll(spec.roots ?? [], ''),
    ...findAll(spec.shallow ?? [], '-maxdepth 1'),
    ...findAll(spec.paths ?? [], '-maxdepth 0'),
  ];
  const units = spec.units ?? [];
  if (units.length) lines.push(`echo '--- units'`, `systemctl show ${units.map(quote).join(' ')} -p Id,${UNIT_PROPS}`);
  return lines.join('\n') + '\n';
}

/**
 * Parse: the part before `--- units` as the helper does; after it, one block per unit (blank-line separated),
 * its properties but Id sorted and joined by spaces, as the helper's `sort | tr '\n' ' '` then trim.
 */
export function parseBatchFingerprint(stdout: string, units: readonly string[]): Fingerprint {
  const at = stdout.indexOf('--- units\n');
  const fp = parseFingerprint(at < 0 ? stdout : stdout.slice(0, at));
  if (at < 0) return fp;
  const blocks = stdout
    .slice(at + '--- units\n'.length)
    .split(/\n\n+/)
    .map((b) => b.split('\n').filter(Boolean))
    .filter((b) => b.length);
  if (blocks.length !== units.length) throw new Error(`systemctl show gave ${blocks.length} blocks for ${units.length} units`);
  blocks.forEach((b, i) => {
    const id = b.find((l) => l.startsWith('Id='))?.slice(3);
    // systemctl shows the units in the order asked; a unit that is an alias would show its real Id
    if (id !== units[i]) throw new Error(`systemctl show block ${i} is ${id ?? '(no Id)'}, not ${units[i]}`);
    fp.set(
      `unit:${id}`,
      b
        .filter((l) => !l.startsWith('Id='))
        .sort()
        .join(' '),
    );
  });
  return fp;
}

/** Fingerprint a lab host (as root) with the batched script. Throws when the script fails. */
export async function batchFingerprintHost(host: number, spec: FingerprintSpec): Promise<Fingerprint> {
  const r = await labHostExec(host, batchFingerprintScript(spec), { become: true });
  if (r.code !== 0) throw new Error(`fingerprint on ${host}: exit ${r.code}: ${r.stderr.trim()}`);
  return parseBatchFingerprint(r.stdout, spec.units ?? []);
}
