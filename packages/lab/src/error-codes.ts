/**
 * The error codes @tsplay/lab raises, declared into core's `ErrorCodes` (a misspelt code does not compile).
 * Core lists only its own; see packages/core/src/errors.ts.
 */
declare module '@tsplay/core' {
  interface ErrorCodes {
    LAB_FAILED: true;
    LAB_NOT_UP: true;
  }
}

export {};
