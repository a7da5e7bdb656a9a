import { describe, expect, it } from 'vitest';
import { plainReporter } from './plain.js';

const result = (task: string, host: string) =>
  ({ type: 'task.result', play: 'p', task, id: `p › ${task}`, index: 0, host, status: 'ok', changed: false, durationMs: 1 }) as never;
const start = (task: string) => ({ type: 'task.start', play: 'p', task, id: `p › ${task}`, index: 0, hosts: ['a', 'b'] }) as never;

describe('plainReporter', () => {
  it('prints a task header again when a result of an earlier task comes after a later header (free strategy)', () => {
    let out = '';
    const emit = plainReporter({ verbose: false, write: (s) => (out += s) });
    emit(start('one'));
    emit(result('one', 'a'));
    emit(start('two'));
    emit(result('two', 'a'));
    emit(result('one', 'b'));
    emit(result('two', 'b'));
    const lines = out.split('\n').filter((l) => l.startsWith('TASK') || l.includes('['));
    expect(lines.map((l) => l.replace(/ \*+$| \(1 ms\)$/, ''))).toEqual([
      'TASK [one]',
      'ok: [a]',
      'TASK [two]',
      'ok: [a]',
      'TASK [one]',
      'ok: [b]',
      'TASK [two]',
      'ok: [b]',
    ]);
  });

  it('prints each header once when the tasks come one after another (linear)', () => {
    let out = '';
    const emit = plainReporter({ verbose: false, write: (s) => (out += s) });
    for (const t of ['one', 'two']) {
      emit(start(t));
      emit(result(t, 'a'));
      emit(result(t, 'b'));
    }
    expect(out.match(/TASK \[/g)).toHaveLength(2);
  });
});
