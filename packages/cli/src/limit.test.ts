import { describe, expect, it } from 'vitest';
import { connectLimit } from './limit.js';

describe('connectLimit', () => {
  it('the bound comes from TSPLAY_CONNECT_LIMIT, 32 when unset or not a positive integer', () => {
    expect(connectLimit({})).toBe(32);
    expect(connectLimit({ TSPLAY_CONNECT_LIMIT: '8' })).toBe(8);
    expect(connectLimit({ TSPLAY_CONNECT_LIMIT: '0' })).toBe(32);
    expect(connectLimit({ TSPLAY_CONNECT_LIMIT: 'x' })).toBe(32);
  });
});
