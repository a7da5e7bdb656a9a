import { quote, TsplayError, type PathState } from '@tsplay/core';
import type { FactQuery } from '@tsplay/core/module';
import { EFFECTIVE_IDS } from '@tsplay/core/transport';
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

/** `NAME=` the first entry of `file` whose third field is `$ID`, within the first IDENTITY_SCAN_LINES lines. */
const scanEntry = (name: string, id: string, file: string): string =>
  `${name}=; [ -n "$${id}" ] && { __i=0; while [ $__i -lt ${IDENTITY_SCAN_LINES} ] && IFS=: read -r __a __b __c __x; do __i=$((__i + 1)); [ "$__c" = "$${id}" ] && { ${name}=$__a; break; }; done < ${file}; } 2>/dev/null`;

/**
 * What `id -un; id -gn` prints, without a process where it can: the effective uid and gid from
 * /proc/self/status, their names from the first entries of /etc/passwd and /etc/group (NSS reads `files`
 * first on the hosts tsplay runs on). A name not found there, a compat (`+`/`-`) entry or no /proc: `id`.
 */
export function identityScript(files: { passwd: string; group: string } = { passwd: '/etc/passwd', group: '/etc/group' }): string {
  return [
    EFFECTIVE_IDS,
    scanEntry('__n', 'tsplay_me', quote(files.passwd)),
    scanEntry('__m', 'tsplay_mg', quote(files.group)),
    "case $__n in '' | [+-]*) __n=$(id -un) || exit 1;; esac",
    "case $__m in '' | [+-]*) __m=$(id -gn) || exit 1;; esac",
    'printf \'%s\\n%s\\n\' "$__n" "$__m"',
  ].join('\n');
}
const IDENTITY_SCRIPT = identityScript();

/** Who the task's become user is (`id -un; id -gn`, see identityScript), so check mode can predict the owner of new files. */
export const identityFact: (become: boolean | string) => FactQuery<Identity> = defineFact({
  module: 'kit',
  name: 'identity',
  script: (_become: boolean | string) => IDENTITY_SCRIPT,
  parse: (r) => parseIdentity(r.stdout),
  // the become user's entry, when its name is known here (root, or a named user)
  statOf: (become) => (become === false ? undefined : [`tsplay:user/${become === true ? 'root' : become}`]),
});

/** Owner and group a new file or directory gets inside `parent` (setgid directories pass on their group). */
export function newOwnership(me: Identity, parent: PathState | undefined): { owner: string; group: string } {
  const inherit = parent?.exists && parent.type === 'dir' && parent.mode !== undefined && (parent.mode & 0o2000) !== 0 && parent.group;
  return { owner: me.user, group: inherit ? (parent.group as string) : me.group };
}
