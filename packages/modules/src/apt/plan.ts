import { argv, TsplayError, type FactValues, type PathState, type Plan } from '../kit/index.js';
import type { AptOptions } from './args.js';
import type { AptChange, aptFact } from './facts.js';

export type AptFacts = { apt: ReturnType<typeof aptFact> };

export interface AptPlanData {
  update: boolean;
  command: string | undefined;
  changes: AptChange[];
}

export const packageKey = (name: string): string => `tsplay:package/${name}`;

const line = (c: AptChange): string =>
  c.op === 'remove'
    ? `remove ${c.name} ${c.from ?? ''}`.trim()
    : c.from
      ? `upgrade ${c.name} ${c.from} -> ${c.version ?? '?'}`
      : `install ${c.name} ${c.version ?? ''}`.trim();

/** Pure: what apt would change (from the simulation), the command that does it, and the predicted package entries. */
export function planApt(facts: FactValues<AptFacts>, a: AptOptions): Plan<AptPlanData> {
  const s = facts.apt;
  const update = a.updateCache && (a.cacheValidTime === 0 || s.cacheAge === undefined || s.cacheAge > a.cacheValidTime);
  const changes = s.changes;
  const unknownNames =
    a.state !== 'absent' && changes.length === 0 ? a.name.filter((n) => s.installed[n.split('=')[0] as string] === undefined) : [];
  if (unknownNames.length && !update) {
    throw new TsplayError('PACKAGE_NOT_FOUND', `no installable package ${unknownNames.join(', ')}`, {
      field: 'name',
      hint: 'check the name, or set updateCache: true',
    });
  }
  const targets = changes.filter((c) => a.name.some((n) => n.split('=')[0] === c.name)).map((c) => c.name);
  const command =
    changes.length === 0
      ? undefined
      : a.state === 'absent'
        ? argv(['apt-get', a.purge ? 'purge' : 'remove', '-y', '-q', ...targets])
        : argv([
            'apt-get',
            'install',
            '-y',
            '-q',
            ...(a.installRecommends ? [] : ['--no-install-recommends']),
            ...a.name.filter((n) => targets.includes(n.split('=')[0] as string) || n.includes('=')),
          ]);
  if (!command && !update)
    return {
      changed: false,
      summary: `${a.name.join(', ')} ${a.state === 'absent' ? 'absent' : a.state === 'latest' ? 'at the newest version' : 'installed'}`,
    };
  const paths: Record<string, PathState> = {};
  for (const c of changes)
    paths[packageKey(c.name)] = c.op === 'remove' ? { exists: false } : { exists: true, type: 'other', target: c.version };
  return {
    changed: command !== undefined,
    run: update,
    summary: [update ? 'would update the package cache' : undefined, ...changes.map((c) => `would ${line(c)}`)].filter(Boolean).join('; '),
    diff: command
      ? [
          {
            path: 'packages',
            before: changes.map((c) => `${c.name} ${c.from ?? (c.op === 'remove' ? '?' : '-')}`).join('\n'),
            after: changes.map((c) => `${c.name} ${c.op === 'remove' ? '-' : (c.version ?? '?')}`).join('\n'),
          },
        ]
      : undefined,
    predict: command ? { paths } : undefined,
    data: { update, command, changes },
  };
}
