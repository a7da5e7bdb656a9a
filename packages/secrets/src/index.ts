/**
 * @tsplay/secrets: Ansible Vault (1.1, 1.2 with vault ids) and age, decrypted on the workstation
 * into core `Secret` values. The CLI builds the run's `SecretKeys` from its flags (`secretKeys`);
 * loaders call `decryptVarsFile` (vars files) or `decryptFile` (copy sources) with them.
 */
import './error-codes.js';
export type { SecretsErrorCode } from './errors.js';
export { sealVault } from './vault.js';
export { ageEncrypt, ageOpen, readRecipients, recipientsOf, type AgeEncryptOptions, type AgeOpened } from './age.js';
export { noKeys, type SecretKeys, type VaultOptions, type VaultPassword } from './keys.js';
export { secretKeys, type KeyOptions } from './options.js';
export { promptHidden, type PromptIO } from './prompt.js';
export { decryptFile, encryptionOf, vaultOpen, type Encryption, type VaultOpened, type Where } from './open.js';
export { decryptVarsFile, parseVarsYaml, type VarsYamlOptions } from './vars.js';
