import type { PathState } from './connection.js';
import { TsplayError } from './errors.js';
import { isUnknownFact, unknownFact, type FactQuery, type OverlayView, type UnknownFact } from './facts.js';
import { DIR_STAT_FORMAT, dirVar, sharedChainWords } from './dir-batch.js';
import { DIR_VERDICT, ME } from './safe-check.js';
import { quote } from './sh.js';

/** A directory's verdict: `owner:NAME` when only a write owned by NAME (as root) may go there. */
export type DirSafety = 'ok' | 'missing' | 'refuse' | `owner:${string}`;

/** The verdicts on a chain of directories (`/` down to the one written into), by directory. */
export type DirChain = Readonly<Record<string, DirSafety>>;

/**
 * Check mode's view of the safe write's directory check (see safe-write.ts) for every directory of `dirs`
 * (from `/` down): the host answers with the scripts' own shell check (`dirChainScript`: one `stat` for the
 * whole chain); a directory an earlier task of the run would make or change is judged from its predicted
 * owner and mode (`refine`), the others keep the host's answer.
 */
export function dirChainFact(dirs: readonly string[], opts: { root: boolean }): FactQuery<DirChain> {
  return {
    key: `dirsafe:${opts.root ? 'root' : 'user'}:${JSON.stringify(dirs)}`,
    become: opts.root,
    statOf: dirs,
    dirChain: dirs,
    script: dirChainScript(dirs),
    fastPath: dirChainFastPath(dirs),
    parse: (r) => parseDirChain(r.stdout, dirs),
    fromOverlay: (o) => unknownInChain(o, dirs),
    refine: (o, host) => refineChain(o, dirs, host, opts),
  };
}

function unknownInChain(o: OverlayView, dirs: readonly string[]): UnknownFact | undefined {
  for (const d of dirs) {
    const why = o.unknown(d);
    if (why !== undefined) return unknownFact(why);
  }
  return undefined;
}

function refineChain(o: OverlayView, dirs: readonly string[], host: DirChain, opts: { root: boolean }): DirChain | UnknownFact {
  const out: Record<string, DirSafety> = { ...host };
  for (const d of dirs) {
    const s = o.path(d);
    if (!s) continue;
    const v = judgePredictedDir(s, d, opts);
    if (isUnknownFact(v)) return v;
    out[d] = v;
  }
  return out;
}

/**
 * The check of the scripts applied to a predicted directory (owner and group by name: an owner not
 * predicted is the writer, root when `root`; a mode not predicted is mkdir's 0755).
 */
export function judgePredictedDir(s: PathState, dir: string, opts: { root: boolean }): DirSafety | UnknownFact {
  if (!s.exists) return 'missing';
  if (s.type === 'link') return unknownFact(`${dir} would be a symlink: its target's owner is not predicted`);
  if (s.type !== 'dir') return 'missing';
  const mode = s.mode ?? 0o755;
  if ((mode & 0o1000) === 0) {
    if (mode & 0o002) return 'refuse';
    if (mode & 0o020 && s.group !== undefined && s.group !== 'root') return 'refuse';
  }
  if (s.owner === undefined || s.owner === 'root') return 'ok';
  if (!opts.root) return unknownFact(`${dir} would be owned by ${s.owner}: whether that is the login user is not known in check mode`);
  return `owner:${s.owner}`;
}

/** The verdicts of the whole chain from the batch's shared stat (`__sd_ok` set): `missing` first, as `dirChainScript` prints them. */
const sharedVerdicts = (dirs: readonly string[]): string[] => [
  '  tsplay_ix=',
  ...dirs.map((d, i) => `  if [ -n "$${dirVar(d)}" ]; then tsplay_ix="$tsplay_ix ${i}"; else echo 'D|${i}|missing'; fi`),
  `  set -f; set -- ${sharedChainWords(dirs)}; set +f`,
  '  while [ $# -ge 4 ]; do tsplay_next; tsplay_verdict "$1" "$2" "$3" "$4"; shift 4; done',
];

/**
 * The probe of a chain of directories with the scripts' own check, as the user that writes (so the answer
 * holds for any target owner), one line `D|I|VERDICT` per directory I of `dirs`: `ok`, `missing` (nothing
 * there), `refuse`, or `owner|NAME` (refused only because it is NAME's: safe when root writes a file owned
 * by NAME). A symlink is judged at its target. The existing directories are read with one `stat`, or taken from the
 * batch's shared one (dir-batch.ts).
 */
export function dirChainScript(dirs: readonly string[]): string {
  const each = dirs.map((dir, i) => {
    const d = quote(dir);
    return `if [ -e ${d} ]; then if [ -L ${d} ]; then tsplay_x=$(cd -P -- ${d} 2>/dev/null && pwd -P) || tsplay_x=${d}; else tsplay_x=${d}; fi; set -- "$@" "$tsplay_x"; tsplay_ix="$tsplay_ix ${i}"; else echo 'D|${i}|missing'; fi`;
  });
  return [
    ...ME,
    ...DIR_VERDICT,
    // a batch's shared stat read every directory of the chain, all there and none a link (dir-batch.ts)
    'if [ -n "${__sd_ok:-}" ]; then',
    ...sharedVerdicts(dirs),
    '  exit 0',
    'fi',
    'set --; tsplay_ix=',
    ...each,
    '[ $# -gt 0 ] || exit 0',
    // no here-document: bash misparses one inside the probe's command substitution
    `if tsplay_st=$(stat -c '${DIR_STAT_FORMAT}' -- "$@" 2>/dev/null); then`,
    '  set -f; set -- $tsplay_st; set +f',
    '  while [ $# -ge 4 ]; do tsplay_next; tsplay_verdict "$1" "$2" "$3" "$4"; shift 4; done',
    'else',
    // one of them went away meanwhile: each on its own (a directory that cannot be read is refused)
    `  for tsplay_d do tsplay_next; if tsplay_s=$(stat -c '${DIR_STAT_FORMAT}' -- "$tsplay_d"); then tsplay_verdict $tsplay_s; else echo refuse; fi; done`,
    'fi',
  ].join('\n');
}

/**
 * The same verdicts from the batch's shared stat in the probe's own shell (FactQuery.fastPath: builtins only, no
 * subshell), where the batch read the whole chain and defined the judge (`__sd_fast`, dir-batch.ts); else nothing,
 * and the fact's frame runs `dirChainScript`.
 */
export function dirChainFastPath(dirs: readonly string[]): string {
  return ['if [ -n "${__sd_fast:-}" ]; then', ...sharedVerdicts(dirs), '  __q=1', 'fi'].join('\n');
}

/** Parse the output of `dirChainScript`: a verdict for every directory of `dirs`. */
export function parseDirChain(out: string, dirs: readonly string[]): DirChain {
  const v: Record<string, DirSafety> = {};
  for (const line of out.split('\n')) {
    const m = /^D\|(\d+)\|(ok|missing|refuse|owner\|.+)$/.exec(line);
    const dir = m ? dirs[Number(m[1])] : undefined;
    if (!m || dir === undefined) continue;
    v[dir] = m[2]?.startsWith('owner|') ? `owner:${m[2].slice(6)}` : (m[2] as DirSafety);
  }
  const lost = dirs.find((d) => !(d in v));
  if (lost !== undefined)
    throw new TsplayError('FACT_FAILED', `unexpected directory check output for ${lost}: ${JSON.stringify(out.slice(0, 200))}`);
  return v;
}
