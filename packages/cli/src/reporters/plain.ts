import type { RunEvent } from '@tsplay/core';
import { color, recapLines, resultLine } from './format.js';

/** Plain log for pipes and CI: one line per event that matters, no cursor tricks. */
export function plainReporter(opts: { verbose: boolean; colors?: boolean; write?: (s: string) => void }): (e: RunEvent) => void {
  const c = color(opts.colors ?? false);
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  const out = (lines: string[]) => write(`${lines.join('\n')}\n`);
  let check = false;
  /** The task whose header was printed last: under the free strategy results of several tasks interleave. */
  let shown: string | undefined;
  const header = (task: string, id: string) => {
    shown = id;
    out(['', c.bold(`TASK [${task}] ${'*'.repeat(Math.max(3, 50 - task.length))}`)]);
  };
  return (e) => {
    switch (e.type) {
      case 'run.start':
        check = e.check;
        out([
          c.bold(
            `${e.check ? 'CHECK' : 'RUN'} ${e.playbook} on ${e.hosts.length} host(s)${e.check ? ' (dry run: nothing is changed)' : ''}`,
          ),
        ]);
        break;
      case 'connect':
        if (!e.ok && e.error)
          out([
            c.red(`UNREACHABLE: [${e.host}] error[${e.error.code}]: ${e.error.message}`),
            ...(e.error.hint ? [`  hint: ${e.error.hint}`] : []),
          ]);
        else if (opts.verbose) out([c.dim(`connected: [${e.host}] (${e.durationMs} ms)`)]);
        break;
      case 'play.start':
        out(['', c.bold(`PLAY [${e.play}] ${'*'.repeat(Math.max(3, 50 - e.play.length))}`)]);
        break;
      case 'task.start':
        header(e.task, e.id);
        break;
      case 'task.result':
        if (e.id !== shown) header(e.task, e.id);
        out(resultLine(e, c, opts.verbose, check));
        break;
      case 'log':
        if (opts.verbose) out([c.dim(`  [${e.host ?? '-'}] ${e.message}`)]);
        break;
      case 'recap':
        out(['', ...recapLines(e.hosts, c, e.durationMs)]);
        if (e.interrupted) out([c.red('interrupted: the tasks above finished; nothing else was started')]);
        break;
      default:
        break;
    }
  };
}
