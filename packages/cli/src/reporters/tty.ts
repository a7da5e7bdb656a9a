import type { RunEvent } from '@tsplay/core';
import { plainReporter } from './plain.js';

/**
 * TTY: the plain log with colours, plus a live status line of the hosts still working on the
 * current task (redrawn in place, erased before each permanent line).
 */
export function ttyReporter(opts: { verbose: boolean; stream?: NodeJS.WriteStream }): (e: RunEvent) => void {
  const stream = opts.stream ?? process.stdout;
  let status = '';
  const clear = () => {
    if (status) stream.write('\r\u001b[2K');
  };
  const base = plainReporter({
    verbose: opts.verbose,
    colors: true,
    write: (s) => {
      clear();
      stream.write(s);
      if (status) stream.write(status);
    },
  });
  let pending = new Set<string>();
  let task = '';
  let started = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    clear();
    status = pending.size ? `\u001b[2m… ${task}: waiting for ${[...pending].join(', ')} (${((Date.now() - started) / 1000).toFixed(1)}s)\u001b[0m` : '';
    if (status) stream.write(status);
  };
  return (e) => {
    if (e.type === 'task.start') {
      pending = new Set(e.hosts);
      task = e.task;
      started = Date.now();
      timer ??= setInterval(draw, 200);
      timer.unref();
    }
    if (e.type === 'task.result') pending.delete(e.host);
    if (e.type === 'task.end' || e.type === 'recap') {
      pending.clear();
      clear();
      status = '';
    }
    if (e.type === 'recap' && timer) {
      clearInterval(timer);
      timer = undefined;
    }
    base(e);
    if (e.type === 'task.result') draw();
  };
}
