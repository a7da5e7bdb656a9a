/**
 * The error codes @tsplay/secrets raises (`SecretsErrorCode`), declared into core's `ErrorCodes` (a misspelt code
 * does not compile). Core lists only its own; see packages/core/src/errors.ts.
 */
import type { SecretsErrorCode } from './errors.js';

declare module '@tsplay/core' {
  interface ErrorCodes extends Record<SecretsErrorCode, true> {
    INTERRUPTED: true;
    VAULT_PASSWORD_SOURCE: true;
  }
}

export {};
