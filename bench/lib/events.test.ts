import { describe, expect, test } from 'vitest';
import { eventClock } from './events.js';

describe('eventClock', () => {
  test('phases from NDJSON lines split across chunks, on the arrival clock', () => {
    const c = eventClock();
    c.push('{"type":"run.start","playbook":"p"}\n{"type":"conn', 100);
    c.push('ect","host":"a","ok":true,"durationMs":40}\n', 150);
    c.push('{"type":"connect","host":"b","ok":true,"durationMs":90}\n{"type":"connect","host":"c","ok":true,"durationMs":60}\n', 300);
    c.push('{"type":"task.start","task":"t"}\n{"type":"task.result","host":"a"}\n{"type":"task.result","host":"b"}\nnot json\n', 400);
    c.push('{"type":"task.start","task":"u"}\n{"type":"recap","hosts":{}}\n', 900);
    expect(c.phases()).toEqual({
      runStart: 100,
      firstConnect: 150,
      lastConnect: 300,
      connects: 3,
      connectMedianMs: 60,
      connectMaxMs: 90,
      firstTask: 400,
      recap: 900,
      results: 2,
    });
  });

  test('no phases without run.start and recap (a run that failed early)', () => {
    const c = eventClock();
    c.push('{"type":"run.start"}\n', 5);
    expect(c.phases()).toBeUndefined();
  });
});
