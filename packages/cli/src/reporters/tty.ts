import type { RunEvent } from '@tsplay/core';
import { plainReporter } from './plain.js';

/** Cut a line to the terminal width (one column kept free so the cursor never wraps). */
export function fitWidth(text: string, columns: number | undefined): string {
  const max = Math.max(10, (columns ?? 80) - 1);
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * TTY: the plain log (with colours unless turned off), plus a live status line of the hosts
 * still working on the current task, cut to the terminal width so it never wraps, redrawn in
 * place and erased before each permanent line.
 */
export function ttyReporter(opts: { verbose: boolean; colors?: boolean; stream?: NodeJS.WriteStream }): (e: RunEvent) => void {
  const stream = opts.stream ?? process.stdout;
  const colors = opts.colors ?? true;
  let status = '';
  const clear = () => {
    if (status) stream.write('\r\u001b[2K');
  };
  const base = plainReporter({
    verbose: opts.verbose,
    colors,
    write: (s) => {
      clear();
      stream.write(s);
      if (status) stream.write(status);
    },
  });
  /** The tasks under way (several at once under the free strategy), oldest first: their hosts still busy. */
  const open = new Map<string, { task: string; hosts: Set<string>; started: number }>();
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    clear();
    const busy = [...open.values()].find((t) => t.hosts.size > 0);
    const text = busy
      ? fitWidth(
          `… ${busy.task}: waiting for ${[...busy.hosts].join(', ')} (${((Date.now() - busy.started) / 1000).toFixed(1)}s)`,
          stream.columns,
        )
      : '';
    status = text && colors ? `\u001b[2m${text}\u001b[0m` : text;
    if (status) stream.write(status);
  };
  return (e) => {
    if (e.type === 'task.start') {
      open.set(e.id, { task: e.task, hosts: new Set(e.hosts), started: Date.now() });
      timer ??= setInterval(draw, 200);
      timer.unref();
    }
    if (e.type === 'task.result') open.get(e.id)?.hosts.delete(e.host);
    if (e.type === 'task.end' || e.type === 'recap') {
      if (e.type === 'task.end') open.delete(e.id);
      else open.clear();
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
