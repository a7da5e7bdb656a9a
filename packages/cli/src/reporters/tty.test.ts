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
});
