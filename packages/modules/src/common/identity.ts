import { TsplayError, type PathState } from '@tsplay/core';
import type { FactQuery } from '@tsplay/core/module';
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

/** `id -un; id -gn` as the task's become user, so check mode can predict the owner of new files. */
export const identityFact: (become: boolean | string) => FactQuery<Identity> = defineFact({
  module: 'kit',
  name: 'identity',
  script: (_become: boolean | string) => 'id -un; id -gn',
  parse: (r) => parseIdentity(r.stdout),
  // the become user's entry, when its name is known here (root, or a named user)
  statOf: (become) => (become === false ? undefined : [`tsplay:user/${become === true ? 'root' : become}`]),
});

/** Owner and group a new file or directory gets inside `parent` (setgid directories pass on their group). */
export function newOwnership(me: Identity, parent: PathState | undefined): { owner: string; group: string } {
  const inherit = parent?.exists && parent.type === 'dir' && parent.mode !== undefined && (parent.mode & 0o2000) !== 0 && parent.group;
  return { owner: me.user, group: inherit ? (parent.group as string) : me.group };
}
