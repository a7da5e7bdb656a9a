/**
 * The error codes @tsplay/pki raises, declared into core's `ErrorCodes` (a misspelt code does not compile).
 * Core lists only its own; see packages/core/src/errors.ts.
 */
declare module '@tsplay/core' {
  interface ErrorCodes {
    VALIDATE_FAILED: true;
  }
}

export {};
