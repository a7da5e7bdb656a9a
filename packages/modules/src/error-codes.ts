/**
 * The error codes @tsplay/modules raises, declared into core's `ErrorCodes` (a misspelt code does not compile).
 * Core lists only its own; see packages/core/src/errors.ts.
 */
declare module '@tsplay/core' {
  interface ErrorCodes {
    APT_FAILED: true;
    ARCHIVE_FAILED: true;
    CHECKSUM_MISMATCH: true;
    DOWNLOAD_FAILED: true;
    HOSTNAME_FAILED: true;
    HTTP_FAILED: true;
    INTERRUPTED: true;
    NO_DOWNLOADER: true;
    PACKAGE_NOT_FOUND: true;
    SERVICE_FAILED: true;
    SERVICE_TIMEOUT: true;
    SYSCTL_FAILED: true;
    USER_MISSING: true;
    VALIDATE_FAILED: true;
    WAIT_TIMEOUT: true;
  }
}

export {};
