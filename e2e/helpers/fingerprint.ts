/**
 * An oracle independent of tsplay: what a lab host says about every object under some roots (type, mode,
 * owner, group, size, inode, ctime in ns, link target, sha256 of regular files) and the state of some
 * systemd units, gathered by one shell script over the lab's own ssh exec (`labHostExec`), never through a
 * tsplay connection, module or fact.
 *
 * A fingerprint is a map `key -> description`; two fingerprints differ on a key when the object appeared,
 * disappeared or changed in any field (a rewrite with the same bytes still changes the ctime and inode).
 */
import { quote } from '@tsplay/core';
import { labHostExec } from '@tsplay/lab';

export interface FingerprintSpec {
  /** Trees: the root and everything below it (`find`, no symlink is followed). */
  roots?: readonly string[];
  /** Single objects (not their contents): a directory's own attributes, a link, a file. */
  paths?: readonly string[];
  /** Trees of which only the root's own attributes, and those of its direct entries, count (depth 1). */
  shallow?: readonly string[];
  /** Units (`name.service`): load/active/sub state, unit file state, reload need, main PID. */
  units?: readonly string[];
}

export type Fingerprint = Map<string, string>;

const FORMAT = "'P\\t%p\\t%y %m %u:%g %s i%i c%C@ ->%l\\n'";
const UNIT_PROPS = 'LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,MainPID';

function findLines(path: string, depth: string): string {
  const p = quote(path);
  return [
    `if [ -e ${p} ] || [ -L ${p} ]; then`,
    `  find ${p} ${depth} -printf ${FORMAT}`,
    `  find ${p} ${depth} -type f -exec sha256sum {} + | sed 's/^\\([0-9a-f]*\\)  /H\\t\\1\\t/'`,
    `else printf 'P\\t%s\\tabsent\\n' ${p}; fi`,
  ].join('\n');
}

/** The POSIX sh script (run as root) that prints a fingerprint: `P\tpath\tattrs`, `H\thash\tpath`, `U\tunit\tstate`. */
export function fingerprintScript(spec: FingerprintSpec): string {
  const lines: string[] = [];
  for (const r of spec.roots ?? []) lines.push(findLines(r, ''));
  for (const r of spec.shallow ?? []) lines.push(findLines(r, '-maxdepth 1'));
  for (const p of spec.paths ?? []) lines.push(findLines(p, '-maxdepth 0'));
  for (const u of spec.units ?? []) {
    lines.push(`printf 'U\\t%s\\t%s\\n' ${quote(u)} "$(systemctl show ${quote(u)} -p ${UNIT_PROPS} | sort | tr '\\n' ' ')"`);
  }
  return lines.join('\n') + '\n';
}

/** Parse the script's output: path keys carry attributes plus `sha256:` for regular files; units are `unit:NAME`. */
export function parseFingerprint(stdout: string): Fingerprint {
  const fp: Fingerprint = new Map();
  const hashes = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [kind, a, b] = line.split('\t');
    if (kind === 'P' && a !== undefined && b !== undefined) fp.set(a, b);
    else if (kind === 'H' && a !== undefined && b !== undefined) hashes.set(b, a);
    else if (kind === 'U' && a !== undefined && b !== undefined) fp.set(`unit:${a}`, b.trim());
  }
  for (const [path, hash] of hashes) fp.set(path, `${fp.get(path) ?? '?'} sha256:${hash}`);
  return fp;
}

/** Keys whose description differs between two fingerprints (appeared, disappeared or changed), sorted. */
export function fingerprintDiff(before: Fingerprint, after: Fingerprint): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

/** One line per differing key, for assertion messages. */
export function explainDiff(before: Fingerprint, after: Fingerprint, keys: readonly string[] = fingerprintDiff(before, after)): string {
  return keys.map((k) => `${k}: ${before.get(k) ?? '(none)'} => ${after.get(k) ?? '(none)'}`).join('\n');
}

/** Fingerprint a lab host (as root). Throws when the script fails. */
export async function fingerprintHost(host: number | string, spec: FingerprintSpec): Promise<Fingerprint> {
  const r = await labHostExec(host, fingerprintScript(spec), { become: true });
  if (r.code !== 0) throw new Error(`fingerprint on ${String(host)}: exit ${r.code}: ${r.stderr.trim()}`);
  return parseFingerprint(r.stdout);
}
