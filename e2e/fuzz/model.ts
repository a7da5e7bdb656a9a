/** The fuzzer's vocabulary: task kinds, a generated case (one playbook on one host) and its paths. */
export const BASE = '/srv/tsplay-fuzz';
/** The etcd tarball, fetched once per host from the lab file server; setups copy it into roots. */
export const CACHE = `${BASE}/.cache/etcd.tgz`;
export const UNIT_DIR = '/etc/systemd/system';
export const WANTS_DIR = `${UNIT_DIR}/multi-user.target.wants`;

export const KINDS = [
  'root',
  'dir',
  'copy',
  'template',
  'touch',
  'link',
  'absent',
  'download',
  'unarchive',
  'creates',
  'removes',
  'probe',
  'probeCopy',
  'unit',
  'service',
  'echoProbe',
  'echo',
  'echoFile',
  'echoStat',
  'echoLine',
] as const;
export type Kind = (typeof KINDS)[number];

/** Kinds that need another kind earlier in the same play. */
export const NEEDS: Partial<Record<Kind, Kind>> = {
  unarchive: 'download',
  probeCopy: 'copy',
  service: 'unit',
  echoProbe: 'copy',
  echo: 'echoProbe',
  echoFile: 'echo',
  echoStat: 'echo',
  echoLine: 'echo',
};

/**
 * The echo chain: `echoProbe` reads c.txt (a probe that declares `reads`, so it is unknown in --check while
 * the copy would change c.txt), `echo` writes `${root}/o.txt` from its output plus this line, and
 * `echoFile`/`echoStat`/`echoLine` work on o.txt: unknown with it, never failed. Made to be unknown, so
 * counted apart from the generator's budget of unknowns.
 */
export const ECHO_KINDS: readonly Kind[] = ['echoProbe', 'echo', 'echoFile', 'echoStat', 'echoLine'];
export const ECHO_LINE = 'line=1';
export const ECHO_MODE = '0640';

export interface Tarball {
  url: string;
  sha256: string;
}

/** Where a case lives on its host: its own root directory and its own unit. */
export interface CaseNames {
  root: string;
  unit: string;
  unitFile: string;
  wantsLink: string;
}

export function caseNames(play: number): CaseNames {
  const unit = `tsplay-fuzz-p${play}.service`;
  return { root: `${BASE}/p${play}`, unit, unitFile: `${UNIT_DIR}/${unit}`, wantsLink: `${WANTS_DIR}/${unit}` };
}

/** One task of a case: the module kind, its args, and what it may change (the fingerprint keys). */
export interface CaseTask {
  kind: Kind;
  args: Record<string, unknown>;
  /** `args.content` is this earlier task's stdout followed by `args.content` (read from its result at run time). */
  contentFrom?: Kind | undefined;
  touches: string[];
}

export interface UnitSetup {
  enable: boolean;
  start: boolean;
  /** Shell that edits the unit file after enable/start (empty when not stale). */
  stale: string[];
}

/** One generated playbook on one host: its tasks, and the shell that makes its starting state. */
export interface FuzzCase {
  play: number;
  host: number;
  names: CaseNames;
  tasks: CaseTask[];
  /** Run before the shared daemon-reload: files and directories. */
  setup: string[];
  /**
   * After it, the unit's state: enabled, started, and its file edited since (stale). The prepare script
   * enables all cases' units in one `systemctl enable`, starts them in one `systemctl start`, then edits.
   */
  unitSetup: UnitSetup;
  /** What the starting state is, for humans ("c.txt: edited", ...). */
  start: string[];
}

export interface FuzzPlay {
  index: number;
  kinds: Kind[];
  cases: FuzzCase[];
}

export const confText = (v: { n: number; host: string }): string => `# tsplay fuzz ${v.n}\nhost=${v.host}\n`;
export const unitText = (v: { sleep: string }): string =>
  `[Unit]\nDescription=tsplay fuzz\n\n[Service]\nExecStart=/bin/sleep ${v.sleep}\n\n[Install]\nWantedBy=multi-user.target\n`;
export const COPY_TEXTS = ['alpha\n', 'beta\nbeta\n'] as const;
export const SLEEPS = ['infinity', '99999'] as const;
