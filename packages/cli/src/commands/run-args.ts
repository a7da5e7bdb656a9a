/** The hidden command that runs the per-user connection daemon (`connect.ts` starts it detached). */
export const PERSIST_DAEMON_COMMAND = '__persist-daemon';

/** `run`/`check` arguments, built the same way from yargs' argv and from the fast path's parseArgs values. */
export interface RunArgs {
  playbook: string;
  inventory: string;
  check: boolean;
  diff: boolean;
  limit?: string | undefined;
  tags?: string[] | undefined;
  skipTags?: string[] | undefined;
  startAtTask?: string | undefined;
  step?: boolean | undefined;
  list?: 'hosts' | 'tasks' | 'tags' | undefined;
  forks: number;
  /** --strategy: the plays' strategy where a play sets none (core's `PlanOptions.strategy`). */
  strategy?: string | undefined;
  extraVars?: string[] | undefined;
  /** --vault-id / --vault-password-file / --ask-vault-pass / --age-identity: the keys of encrypted vars (@tsplay/secrets). */
  vaultIds?: string[] | undefined;
  vaultPasswordFiles?: string[] | undefined;
  askVaultPass?: boolean | undefined;
  ageIdentityFiles?: string[] | undefined;
  /** -K / --become-password-file / --become-method: become for hosts without their own (become-password.ts). */
  askBecomePass?: boolean | undefined;
  becomePasswordFile?: string | undefined;
  becomeMethod?: string | undefined;
  user?: string | undefined;
  privateKey?: string | undefined;
  sshConfig?: string | undefined;
  waitLock?: string | undefined;
  /** --persist SECONDS (undefined: TSPLAY_PERSIST, else 60). */
  persist?: string | undefined;
  json: boolean;
  /** --color / --no-color; undefined: decided by NO_COLOR, FORCE_COLOR and the terminal. */
  color?: boolean | undefined;
  verbose: boolean;
  anyErrorsFatal: boolean;
  detailedExitcode: boolean;
}

const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
const list = (x: unknown) => (Array.isArray(x) ? x.map(String) : typeof x === 'string' ? [x] : undefined);

export function runArgsFrom(v: Record<string, unknown>, playbook: string, checkCommand: boolean): RunArgs {
  const listWhat = v['list-hosts'] === true ? 'hosts' : v['list-tasks'] === true ? 'tasks' : v['list-tags'] === true ? 'tags' : undefined;
  return {
    playbook,
    inventory: String(v.inventory),
    check: checkCommand || v.check === true,
    diff: v.diff === true,
    limit: str(v.limit),
    tags: list(v.tags),
    skipTags: list(v['skip-tags']),
    startAtTask: str(v['start-at-task']),
    step: v.step === true,
    list: listWhat,
    forks: v.forks === undefined ? 10 : Number(v.forks),
    strategy: str(v.strategy),
    extraVars: list(v['extra-vars']),
    vaultIds: list(v['vault-id']),
    vaultPasswordFiles: list(v['vault-password-file']),
    askVaultPass: v['ask-vault-pass'] === true,
    ageIdentityFiles: list(v['age-identity']),
    askBecomePass: v['ask-become-pass'] === true,
    becomePasswordFile: str(v['become-password-file']),
    becomeMethod: str(v['become-method']),
    user: str(v.user),
    privateKey: str(v['private-key']),
    sshConfig: str(v['ssh-config']),
    waitLock: str(v['wait-lock']),
    persist: v.persist === undefined ? undefined : String(v.persist),
    json: v.json === true,
    color: typeof v.color === 'boolean' ? v.color : undefined,
    verbose: v.verbose === true,
    anyErrorsFatal: v['any-errors-fatal'] === true,
    detailedExitcode: v['detailed-exitcode'] === true,
  };
}
