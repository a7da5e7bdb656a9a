import { describe, expect, it } from 'vitest';
import * as secrets from './index.js';

describe('@tsplay/secrets public surface', () => {
  it('exports exactly these names (a change here is an API change: update docs/secrets.md too)', () => {
    expect(Object.keys(secrets).sort()).toEqual([
      'ageEncrypt',
      'ageOpen',
      'decryptFile',
      'decryptVarsFile',
      'encryptionOf',
      'noKeys',
      'parseVarsYaml',
      'promptHidden',
      'readRecipients',
      'recipientsOf',
      'sealVault',
      'secretKeys',
      'vaultOpen',
    ]);
  });
});
