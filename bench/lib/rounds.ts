/** Rounds, tools and jobs of the scaling sections per host count: fewer at large N (Ansible takes minutes there). Pure. */
import type { Tool } from './measure.js';

/** Default: `rounds` below 50 hosts, 2 from 50, 1 from 100 (after the untimed warm-up run of every tool). */
export function defaultScalingRounds(hosts: number, rounds: number): number {
  if (hosts >= 100) return Math.min(rounds, 1);
  if (hosts >= 50) return Math.min(rounds, 2);
  return rounds;
}

/**
 * `--scaling-rounds`: absent = the default per N; one number = every N; a list = one per `--hosts` entry.
 * Returns rounds by host count, or an error message.
 */
export function scalingRounds(hosts: readonly number[], rounds: number, arg: string | undefined): Map<number, number> | string {
  const list = arg === undefined ? [] : arg.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) return `--scaling-rounds must be positive integers, not ${arg}`;
  if (list.length > 1 && list.length !== hosts.length) return `--scaling-rounds has ${list.length} entries for ${hosts.length} host counts`;
  return new Map(
    hosts.map((h, i) => [h, list.length === 0 ? defaultScalingRounds(h, rounds) : ((list.length === 1 ? list[0] : list[i]) as number)]),
  );
}

/** "5 rounds at 3, 10, 20 hosts; 2 at 50; 1 at 100, 200" */
export function describeRounds(byHosts: ReadonlyMap<number, number>): string {
  const groups = new Map<number, number[]>();
  for (const [h, r] of byHosts) groups.set(r, [...(groups.get(r) ?? []), h]);
  return [...groups]
    .map(([r, hs], i) => `${r}${i === 0 ? ` round${r === 1 ? '' : 's'}` : ''} at ${hs.join(', ')}${i === 0 ? ' hosts' : ''}`)
    .join('; ');
}

export type ScaleJob = 'noop' | 'files';
export const SCALE_JOBS: readonly ScaleJob[] = ['noop', 'files'];

/** The tools of a scaling section at `hosts`: Mitogen up to `mitogenUpTo`, Ansible up to `ansibleUpTo` (both when present). */
export function toolsAt(tools: readonly Tool[], hosts: number, upTo: { mitogenUpTo: number; ansibleUpTo?: number | undefined }): Tool[] {
  return tools.filter(
    (t) =>
      !(t === 'mitogen' && hosts > upTo.mitogenUpTo) && !(t !== 'tsplay' && upTo.ansibleUpTo !== undefined && hosts > upTo.ansibleUpTo),
  );
}

export interface ScaleFlags {
  ansibleUpTo?: number | undefined;
  jobs: ScaleJob[];
  profileAt?: number | undefined;
  /** bench/results/<out>.{json,md,svg} */
  out?: string | undefined;
}

const count = (v: string | undefined, flag: string): number | undefined | string => {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? n : `${flag} must be a positive integer, not ${v}`;
};

/** `--ansible-up-to`, `--scaling-jobs` (a list of SCALE_JOBS with noop, the rows), `--profile-at`, `--scale-out`; or an error message. */
export function parseScaleFlags(o: {
  'ansible-up-to'?: string | undefined;
  'scaling-jobs'?: string | undefined;
  'profile-at'?: string | undefined;
  'scale-out'?: string | undefined;
}): ScaleFlags | string {
  const ansibleUpTo = count(o['ansible-up-to'], '--ansible-up-to');
  if (typeof ansibleUpTo === 'string') return ansibleUpTo;
  const profileAt = count(o['profile-at'], '--profile-at');
  if (typeof profileAt === 'string') return profileAt;
  const jobs = (o['scaling-jobs'] ?? 'noop').split(',').filter(Boolean);
  const bad = jobs.filter((j) => !(SCALE_JOBS as readonly string[]).includes(j));
  if (bad.length) return `--scaling-jobs: unknown job(s) ${bad.join(', ')} (known: ${SCALE_JOBS.join(', ')})`;
  if (!jobs.includes('noop')) return '--scaling-jobs must include noop (the scaling rows)';
  const out = o['scale-out'];
  if (out !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(out)) return `--scale-out is a file name stem (a-z, 0-9, -), not ${out}`;
  if (out === 'latest') return '--scale-out latest would overwrite the full run';
  return { ansibleUpTo, jobs: [...new Set(jobs)] as ScaleJob[], profileAt, out };
}
