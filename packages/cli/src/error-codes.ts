/**
 * The error codes @tsplay/cli raises, declared into core's `ErrorCodes` (a misspelt code does not compile).
 * Core lists only its own; see packages/core/src/errors.ts.
 */
declare module '@tsplay/core' {
  interface ErrorCodes {
    INIT_EXISTS: true;
    LAB_NOT_INSTALLED: true;
    PLAYBOOK_INVALID: true;
    PLAYBOOK_LOAD_FAILED: true;
    PLAYBOOK_NOT_FOUND: true;
    PLAY_INVALID: true;
    SECRETS_NO_RECIPIENT: true;
    TYPESCRIPT_MISSING: true;
  }
}

export {};
