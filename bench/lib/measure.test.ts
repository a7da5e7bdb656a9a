import { describe, expect, test } from 'vitest';
import { parseTime } from './measure.js';

describe('parseTime', () => {
  test("GNU time's %M %U %S line, after an exit-status line", () => {
    expect(parseTime('Command exited with non-zero status 2\n219000 12.50 3.25\n')).toEqual({ maxRssKb: 219000, cpuS: 15.75 });
    expect(parseTime('65000 0.50 0.25')).toEqual({ maxRssKb: 65000, cpuS: 0.75 });
    expect(parseTime('')).toBeUndefined();
  });
});
