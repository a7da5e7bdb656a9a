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
  { name: 'inventory', alias: 'i', type: 'string', demand: true, describe: 'inventory directory or file' },
  { name: 'check', alias: 'C', type: 'boolean', default: false, describe: 'dry run: plan every task, change nothing' },
  { name: 'diff', alias: 'D', type: 'boolean', default: false, describe: 'show what changes in files and units' },
  { name: 'limit', alias: 'l', type: 'string', describe: 'only these hosts/groups (a:b, !c)' },
  { name: 'tags', alias: 't', type: 'string', array: true, describe: 'only tasks with these tags' },
  { name: 'skip-tags', type: 'string', array: true, describe: 'skip tasks with these tags' },
  { name: 'forks', alias: 'f', type: 'number', default: 10, describe: 'hosts worked on at once' },
  { name: 'extra-vars', alias: 'e', type: 'string', array: true, describe: 'key=value vars (highest precedence)' },
  { name: 'json', type: 'boolean', default: false, describe: 'NDJSON events on stdout' },
  { name: 'any-errors-fatal', type: 'boolean', default: false, describe: 'stop all hosts after a failure' },
  { name: 'detailed-exitcode', type: 'boolean', default: false, describe: 'with --check: exit 3 when changes are pending' },
  { name: 'verbose', alias: 'v', type: 'boolean', default: false, describe: 'more output; stack traces on errors' },
];
