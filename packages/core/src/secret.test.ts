import { describe, expect, it } from 'vitest';
import { isSecret, redactValue, reveal, Secret, secret } from './secret.js';

describe('Secret brand (Symbol.for("tsplay.secret"))', () => {
  it('a Secret of another copy of @tsplay/core is a Secret here: isSecret, reveal, redactValue', async () => {
    // a second instance of this module, as a project's own @tsplay/core beside the CLI's
    const copy = './secret.ts?second-copy';
    const other = (await import(/* @vite-ignore */ copy)) as typeof import('./secret.js');
    expect(other.Secret).not.toBe(Secret);
    const foreign = other.secret('from-the-other-copy');
    expect(foreign instanceof Secret).toBe(false);
    expect(isSecret(foreign)).toBe(true);
    expect(reveal(foreign)).toBe('from-the-other-copy');
    expect(redactValue({ pw: foreign })).toEqual({ pw: '***' });
    expect(other.isSecret(secret('x'))).toBe(true);
  });

  it('a foreign object carrying the brand and reveal() is a Secret; look-alikes without the brand are not', () => {
    const branded = { [Symbol.for('tsplay.secret')]: true, reveal: () => 'v' };
    expect(isSecret(branded)).toBe(true);
    expect(isSecret({ reveal: () => 'v' })).toBe(false);
    expect(isSecret({ [Symbol.for('tsplay.secret')]: true })).toBe(false);
    expect(isSecret({ [Symbol.for('tsplay.other')]: true, reveal: () => 'v' })).toBe(false);
    expect(isSecret(null)).toBe(false);
    expect(isSecret('***')).toBe(false);
    expect(JSON.stringify(secret('abc'))).toBe('"***"');
  });
});
