/**
 * The error codes @tsplay/ssh raises, declared into core's `ErrorCodes` (a misspelt code does not compile).
 * Core lists only its own; see packages/core/src/errors.ts.
 */
declare module '@tsplay/core' {
  interface ErrorCodes {
    AUTH_FAILED: true;
    HOST_KEY_CHANGED: true;
    HOST_KEY_UNKNOWN: true;
    PERSIST_UNSAFE: true;
    RUN_LOCKED: true;
    RUN_LOCK_FAILED: true;
  }
}

export {};
