/**
 * The options of `run`/`check`, as data: yargs builds its parser and help from this table, and
 * the fast path (`parseRunFast`) parses the same table with node's util.parseArgs without
 * loading yargs (~100 ms of start-up that an idempotent run cannot afford).
 */
export interface RunOptionSpec {
  name: string;
  alias?: string;
  type: 'string' | 'boolean' | 'number';
  array?: boolean;
  default?: string | boolean | number;
  demand?: boolean;
  describe: string;
}

export const RUN_OPTIONS: readonly RunOptionSpec[] = [
  {
    name: 'inventory',
    alias: 'i',
    type: 'string',
    demand: true,
    describe: 'inventory directory or file (tsplay YAML/TS, Ansible INI/YAML)',
  },
  { name: 'check', alias: 'C', type: 'boolean', default: false, describe: 'dry run: plan every task, change nothing' },
  { name: 'diff', alias: 'D', type: 'boolean', default: false, describe: 'show what changes in files and units' },
  { name: 'limit', alias: 'l', type: 'string', describe: 'only these hosts/groups (a:b, !c)' },
  { name: 'tags', alias: 't', type: 'string', array: true, describe: 'only tasks with these tags' },
  { name: 'skip-tags', type: 'string', array: true, describe: 'skip tasks with these tags' },
  { name: 'start-at-task', type: 'string', describe: 'start at the first task of this name' },
  { name: 'step', type: 'boolean', default: false, describe: 'confirm each task (y/n/c) on a terminal' },
  { name: 'list-hosts', type: 'boolean', default: false, describe: 'print the hosts of each play and exit (contacts no host)' },
  { name: 'list-tasks', type: 'boolean', default: false, describe: 'print the selected tasks and exit (contacts no host)' },
  { name: 'list-tags', type: 'boolean', default: false, describe: 'print the tags of the selected tasks and exit (contacts no host)' },
  { name: 'forks', alias: 'f', type: 'number', default: 10, describe: 'hosts worked on at once' },
  {
    name: 'strategy',
    type: 'string',
    describe: 'free (hosts run on without waiting for each other; the default) or linear, for plays that set none',
  },
  {
    name: 'extra-vars',
    alias: 'e',
    type: 'string',
    array: true,
    describe: 'key=value vars, or @vars.yml / @vars.json (highest precedence)',
  },
  {
    name: 'vault-id',
    type: 'string',
    array: true,
    describe: 'Ansible Vault password as label@source (a file, an executable that prints it, or prompt); repeatable',
  },
  {
    name: 'vault-password-file',
    type: 'string',
    array: true,
    describe: 'Ansible Vault password file for the default vault id (an executable prints it)',
  },
  { name: 'ask-vault-pass', type: 'boolean', default: false, describe: 'ask once for the Ansible Vault password' },
  {
    name: 'age-identity',
    type: 'string',
    array: true,
    describe: 'age identities file for age-encrypted vars and files (default: TSPLAY_AGE_IDENTITY)',
  },
  {
    name: 'ask-become-pass',
    alias: 'K',
    type: 'boolean',
    default: false,
    describe: 'ask once for the become password (sudo, su or doas), for every host without its own becomePassword',
  },
  {
    name: 'become-password-file',
    type: 'string',
    describe: 'read the become password from this file (- for stdin), for every host without its own becomePassword',
  },
  { name: 'become-method', type: 'string', describe: 'become with sudo, su or doas on every host without its own becomeMethod' },
  { name: 'user', alias: 'u', type: 'string', describe: 'SSH user for every host (overrides the inventory)' },
  { name: 'private-key', type: 'string', describe: 'SSH private key file for every host (overrides the inventory)' },
  { name: 'ssh-config', type: 'string', describe: 'ssh config file to read instead of ~/.ssh/config' },
  {
    name: 'persist',
    type: 'string',
    describe: 'keep SSH connections open this many seconds after the run, in a per-user daemon (default 60, or TSPLAY_PERSIST; 0: off)',
  },
  { name: 'wait-lock', type: 'string', default: '0', describe: "wait this long (30s, 2m) for another run's lock on a host" },
  { name: 'json', type: 'boolean', default: false, describe: 'NDJSON events on stdout' },
  { name: 'color', type: 'boolean', describe: 'colours on/off (--no-color; default: on a terminal, NO_COLOR/FORCE_COLOR honoured)' },
  { name: 'any-errors-fatal', type: 'boolean', default: false, describe: 'stop all hosts after a failure' },
  { name: 'detailed-exitcode', type: 'boolean', default: false, describe: 'with --check: exit 3 when changes are pending' },
  { name: 'verbose', alias: 'v', type: 'boolean', default: false, describe: 'more output; stack traces on errors' },
];
