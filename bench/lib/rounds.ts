/** Rounds of the scaling section per host count: fewer at large N (Ansible takes minutes there). Pure. */

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
