/** Small playbooks on one lab host for regressions: check, then run, with results per task name. */
import { definePlaybook, task } from '@tsplay/core';
import type { AnyModule } from '@tsplay/core/module';
import { labHostExec } from '@tsplay/lab';
import { tsplayRun } from './lab-run.js';
import type { Outcome } from './verdict.js';

export type Step = [name: string, module: AnyModule, args: Record<string, unknown>];

/** Runs `steps` as one play on `host` (become), in check mode or for real; outcomes by task name. */
export async function runSteps(host: string, steps: readonly Step[], check: boolean, stateDir: string): Promise<Map<string, Outcome>> {
  const pb = definePlaybook({
    name: 'regression',
    plays: [
      { name: 'r', hosts: host, become: true, tasks: steps.map(([name, m, args]) => task(m, args as never, { name, ignoreErrors: true })) },
    ],
  });
  const r = await tsplayRun(pb, check, stateDir);
  return new Map([...r.outcomes].map(([k, v]) => [k.split('\t')[2] as string, v]));
}

/** Run a root shell script on lab host 0 and fail on a non-zero exit. */
export async function onHost0(script: string): Promise<string> {
  const r = await labHostExec(0, script, { become: true });
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}
