import { TsplayError } from '../errors.js';
import type { ResolvedHost } from '../inventory/schema.js';
import type { Playbook } from '../playbook.js';
import { formatZodIssues, issueField, sortIssues } from '../validate.js';

/** A host's merged vars, validated by the playbook's schema (errors name host, file and field). */
export function validateVars(playbook: Playbook, host: ResolvedHost, source: string): unknown {
  if (!playbook.vars) return host.vars;
  const r = playbook.vars.safeParse(host.vars);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  throw new TsplayError(
    'VARS_INVALID',
    `vars of host ${host.name} do not match playbook ${playbook.name}: ${formatZodIssues(r.error.issues)}`,
    {
      host: host.name,
      file: source,
      field: issueField(sortIssues(r.error.issues)[0]),
      hint: 'set the var in the inventory (host or group vars) or with -e name=value',
    },
  );
}
