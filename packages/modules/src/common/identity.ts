import { quote, TsplayError, type PathState } from '@tsplay/core';
import type { FactQuery } from '@tsplay/core/module';
import { effectiveIds } from '@tsplay/core/transport';
import { defineFact } from '../kit/facts.js';

/** Who creates new files: the user (and primary group) tasks run as, after become. */
export interface Identity {
  user: string;
  group: string;
}

export function parseIdentity(out: string): Identity {
  const [user, group] = out
    .trim()
    .split('\n')
    .map((l) => l.trim());
  if (!user || !group) throw new TsplayError('FACT_FAILED', `could not tell the remote user from ${JSON.stringify(out)}`);
  return { user, group };
}

/** Lines of /etc/passwd or /etc/group read with builtins before `id` is asked instead (root's entry is the first). */
export const IDENTITY_SCAN_LINES = 64;

/** `${v}NAME=` the first entry of `file` whose third field is `$ID`, within the first IDENTITY_SCAN_LINES lines (its other variables `${v}i`, `${v}a`…). */
const scanEntry = (v: string, name: string, id: string, file: string): string =>
  `${v}${name}=; [ -n "$${id}" ] && { ${v}i=0; while [ $${v}i -lt ${IDENTITY_SCAN_LINES} ] && IFS=: read -r ${v}a ${v}b ${v}c ${v}x; do ${v}i=$((${v}i + 1)); [ "$${v}c" = "$${id}" ] && { ${v}${name}=$${v}a; break; }; done < ${file}; } 2>/dev/null`;

/**
 * What `id -un; id -gn` prints, without a process where it can: the effective uid and gid from
 * /proc/self/status, their names from the first entries of /etc/passwd and /etc/group (NSS reads `files`
 * first on the hosts tsplay runs on). A name not found there, a compat (`+`/`-`) entry or no /proc: `id`.
 */
export function identityScript(files: IdentityFiles = ETC): string {
  return [
    ...scanIds('tsplay_', '__', files),
    "case $__n in '' | [+-]*) __n=$(id -un) || exit 1;; esac",
    "case $__m in '' | [+-]*) __m=$(id -gn) || exit 1;; esac",
    'printf \'%s\\n%s\\n\' "$__n" "$__m"',
  ].join('\n');
}

/**
 * The same answer in a probe's own shell (the fact's fast path: no subshell), where both names are found with
 * builtins; else it prints nothing and the script runs (and asks `id`). Its variables are its own (`__f_*`).
 */
export function identityFastPath(files: IdentityFiles = ETC): string {
  return [
    ...scanIds('__f_', '__f_', files),
    "case $__f_n in '' | [+-]*) ;; *) case $__f_m in '' | [+-]*) ;; *) printf '%s\\n%s\\n' \"$__f_n\" \"$__f_m\"; __q=1;; esac;; esac",
  ].join('\n');
}

interface IdentityFiles {
  passwd: string;
  group: string;
}
const ETC: IdentityFiles = { passwd: '/etc/passwd', group: '/etc/group' };

/** The effective ids (`${ids}me`, `${ids}mg`) and their names from the files (`${v}n`, `${v}m`; its other variables `${v}*`). */
function scanIds(ids: string, v: string, files: IdentityFiles): string[] {
  return [effectiveIds(ids), scanEntry(v, 'n', `${ids}me`, quote(files.passwd)), scanEntry(v, 'm', `${ids}mg`, quote(files.group))];
}
const IDENTITY_SCRIPT = identityScript();
const IDENTITY_FAST_PATH = identityFastPath();

/** Who the task's become user is (`id -un; id -gn`, see identityScript), so check mode can predict the owner of new files. */
export const identityFact: (become: boolean | string) => FactQuery<Identity> = defineFact({
  module: 'kit',
  name: 'identity',
  script: (_become: boolean | string) => IDENTITY_SCRIPT,
  fastPath: () => IDENTITY_FAST_PATH,
  parse: (r) => parseIdentity(r.stdout),
  // the become user's entry, when its name is known here (root, or a named user)
  statOf: (become) => (become === false ? undefined : [`tsplay:user/${become === true ? 'root' : become}`]),
});

/** Owner and group a new file or directory gets inside `parent` (setgid directories pass on their group). */
export function newOwnership(me: Identity, parent: PathState | undefined): { owner: string; group: string } {
  const inherit = parent?.exists && parent.type === 'dir' && parent.mode !== undefined && (parent.mode & 0o2000) !== 0 && parent.group;
  return { owner: me.user, group: inherit ? (parent.group as string) : me.group };
}
