import { describe, expect, it } from 'vitest';
import { ttyReporter } from './tty.js';

function fakeTerminal(columns: number) {
  let out = '';
  const stream = { columns, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

describe('ttyReporter', () => {
  it('the live line of busy hosts never exceeds the terminal width, and --no-color drops escapes', () => {
    const t = fakeTerminal(40);
    const emit = ttyReporter({ verbose: false, colors: false, stream: t.stream });
    const hosts = Array.from({ length: 30 }, (_, i) => `controller-${i}`);
    emit({ type: 'task.start', play: 'p', task: 'download etcd', id: 'p › download etcd', index: 0, hosts } as never);
    emit({
      type: 'task.result',
      play: 'p',
      task: 'download etcd',
      id: 'p › download etcd',
      index: 0,
      host: 'controller-0',
      status: 'ok',
      changed: false,
      durationMs: 5,
    } as never);
    const live =
      t
        .text()
        .split(/\n|\r\u001b\[2K/)
        .at(-1) ?? '';
    expect(live).toMatch(/^… download etcd: waiting for contr.*…$/);
    expect([...live].length).toBe(39);
    expect(t.text()).not.toContain('\u001b[2m');
    emit({ type: 'recap', hosts: {}, durationMs: 1, exitCode: 0, check: false, interrupted: false } as never);
  });

  it('free strategy: with two tasks under way the live line names the oldest one still waiting, then the next', () => {
    const t = fakeTerminal(80);
    const emit = ttyReporter({ verbose: false, colors: false, stream: t.stream });
    const ev = (type: string, task: string, extra: object = {}) =>
      ({ type, play: 'p', task, id: `p › ${task}`, index: 0, ...extra }) as never;
    const result = (task: string, host: string) => ev('task.result', task, { host, status: 'ok', changed: false, durationMs: 1 });
    const live = () =>
      t
        .text()
        .split(/\n|\r\u001b\[2K/)
        .at(-1) ?? '';
    emit(ev('task.start', 'one', { hosts: ['x', 'y'] }));
    emit(result('one', 'x'));
    emit(ev('task.start', 'two', { hosts: ['x', 'y'] }));
    emit(result('two', 'x'));
    expect(live()).toMatch(/^… one: waiting for y \(/);
    emit(result('one', 'y'));
    emit(ev('task.end', 'one', { durationMs: 2 }));
    emit(result('two', 'x'));
    expect(live()).toMatch(/^… two: waiting for y \(/);
    emit({ type: 'recap', hosts: {}, durationMs: 1, exitCode: 0, check: false, interrupted: false } as never);
  });
});
