/**
 * Generated plays as one tsplay playbook (one play per generated play, all hosts at once), with every
 * module wrapped so that the plans' own predictions (`Plan.predict`) are recorded per host and task.
 */
import { definePlaybook, task, type Play, type Playbook, type Prediction, type Task, type TaskContext } from '@tsplay/core';
import type { AnyModule } from '@tsplay/core/module';
import { command, copy, download, file, lineinfile, stat, systemd, template, unarchive } from '@tsplay/modules';
import type { FuzzPlay, Kind } from './model.js';

const MODULES: Record<Kind, AnyModule> = {
  root: file,
  dir: file,
  copy,
  template,
  touch: file,
  link: file,
  absent: file,
  download,
  unarchive,
  creates: command,
  removes: command,
  probe: command,
  probeCopy: command,
  unit: template,
  service: systemd,
  echoProbe: command,
  echo: copy,
  echoFile: file,
  echoStat: stat,
  echoLine: lineinfile,
};

/** `host \t play \t task` -> the prediction of that task's plan in check mode. */
export type Predictions = Map<string, Prediction>;
export const predictionKey = (host: string, play: string, taskName: string): string => `${host}\t${play}\t${taskName}`;
export const playName = (p: FuzzPlay): string => `p${p.index}`;

/** The module with `plan` wrapped: in check mode each plan's prediction is stored under (host, play, task). */
function recording(m: AnyModule, play: string, taskName: string, into: Predictions): AnyModule {
  return {
    ...m,
    plan: (facts, args, ctx) => {
      const p = m.plan(facts, args, ctx);
      if (ctx.check) into.set(predictionKey(ctx.host, play, taskName), p.predict ?? {});
      return p;
    },
  };
}

/** One playbook running `plays` on `hosts` (host i gets case i of every play). */
export function fuzzPlaybook(plays: readonly FuzzPlay[], hosts: readonly string[], into: Predictions): Playbook {
  const built: Play[] = plays.map((p) => {
    const name = playName(p);
    const byKind = new Map<Kind, Task>();
    const tasks = p.kinds.map((kind, i) => {
      const made = task(
        recording(MODULES[kind], name, kind, into),
        (ctx: TaskContext) => {
          const c = p.cases[hosts.indexOf(ctx.host.name)];
          const t = c?.tasks[i];
          if (!t) throw new Error(`no case for ${ctx.host.name}`);
          if (t.contentFrom === undefined) return t.args as never;
          // read at run time: in --check this output may be unknown, and so is this task
          const from = byKind.get(t.contentFrom);
          const out = from ? ctx.result(from)?.stdout : undefined;
          return { ...t.args, content: `${out ?? ''}${String(t.args.content)}` } as never;
        },
        { name: kind, ignoreErrors: true },
      );
      byKind.set(kind, made);
      return made;
    });
    return { name, hosts: hosts.join(':'), become: true, tasks };
  });
  return definePlaybook({ name: 'fuzz', plays: built });
}
