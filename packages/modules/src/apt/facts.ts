import { argv, defineFact } from '../kit/index.js';
import { bareName, type AptOptions } from './args.js';

/** One line of `apt-get -s`: a package that would be installed/upgraded (Inst) or removed (Remv/Purg). */
export interface AptChange {
  op: 'install' | 'remove';
  name: string;
  version: string | undefined;
  /** Version installed before (upgrades, removals). */
  from: string | undefined;
}

export interface AptState {
  /** name -> installed version, for the task's packages. */
  installed: Record<string, string | undefined>;
  /** What apt would do (simulated), dependencies included. */
  changes: AptChange[];
  /** Seconds since the package lists were last updated (undefined: never). */
  cacheAge: number | undefined;
}

/** Parse the apt probe: `I name version` lines, `A seconds`, then `apt-get -s` output. Exported for tests. */
export function parseApt(out: string): AptState {
  const installed: Record<string, string | undefined> = {};
  const changes: AptChange[] = [];
  let cacheAge: number | undefined;
  for (const line of out.split('\n')) {
    let m = /^I (\S+) (\S*)$/.exec(line);
    if (m) installed[m[1] as string] = m[2] || undefined;
    else if ((m = /^A (\d+)$/.exec(line))) cacheAge = Number(m[1]);
    else if ((m = /^Inst (\S+) (?:\[(\S+)\] )?\((\S+)/.exec(line)))
      changes.push({ op: 'install', name: m[1] as string, from: m[2], version: m[3] });
    else if ((m = /^(?:Remv|Purg) (\S+)(?: \[(\S+)\])?/.exec(line)))
      changes.push({ op: 'remove', name: m[1] as string, from: m[2], version: undefined });
  }
  return { installed, changes, cacheAge };
}

/** Which packages the simulation should act on: missing ones (present), all (latest), installed ones (absent). */
function script(a: AptOptions): string {
  const names = a.name.map(bareName);
  const query = `for p in ${argv(names)}; do v=$(dpkg-query -W -f='\${Status} \${Version}' "$p" 2>/dev/null); case "$v" in 'install ok installed '*) echo "I $p \${v##* }";; *) echo "I $p ";; esac; done`;
  const age = `if [ -e /var/lib/apt/lists/partial ]; then t=$(stat -c %Y /var/lib/apt/lists/partial); echo "A $(( $(date +%s) - t ))"; fi`;
  const opts = a.installRecommends ? [] : ['--no-install-recommends'];
  const pick =
    a.state === 'present'
      ? `todo=''; for s in ${argv(a.name)}; do p=\${s%%=*}; want=\${s#"$p"}; want=\${want#=}; have=$(dpkg-query -W -f='\${Status} \${Version}' "$p" 2>/dev/null); case "$have" in 'install ok installed '*) [ -n "$want" ] && [ "\${have##* }" != "$want" ] && todo="$todo $s";; *) todo="$todo $s";; esac; done`
      : a.state === 'latest'
        ? `todo=${argv([a.name.join(' ')])}`
        : `todo=''; for p in ${argv(names)}; do dpkg-query -W -f='\${Status}' "$p" 2>/dev/null | grep -q 'installed$' && todo="$todo $p"; done`;
  const sim = a.state === 'absent' ? `apt-get -s -q ${a.purge ? 'purge' : 'remove'} $todo` : `apt-get -s -q install ${argv(opts)} $todo`;
  return [query, age, pick, `[ -z "$todo" ] || LC_ALL=C ${sim} 2>&1`].join('\n');
}

/** The packages' installed versions and what apt would do, simulated (read-only: `apt-get -s`). */
export const aptFact = defineFact({
  module: 'apt',
  name: 'state',
  script: (a: AptOptions) => script(a),
  parse: (r) => parseApt(r.stdout),
  // Another package task earlier in a check run makes this one unknown (its simulation would differ).
  reads: (a) => a.name.map((n) => `tsplay:package/${n.split('=')[0] ?? n}`),
});
