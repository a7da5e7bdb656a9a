import { describe, expect, test } from 'vitest';
import { inotifyNeeds } from './limits.js';

describe('inotifyNeeds', () => {
  test('grows with the hosts, above the 4 instances a trimmed host holds, and above the default 128 at 200 hosts', () => {
    const three = inotifyNeeds(3);
    const many = inotifyNeeds(200);
    expect(many.instances).toBeGreaterThan(200 * 4 + 128);
    expect(many.instances).toBeGreaterThan(three.instances);
    expect(many.watches).toBeGreaterThan(three.watches);
  });
});
