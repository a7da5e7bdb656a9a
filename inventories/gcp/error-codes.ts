/** The error codes of the gcp inventory source, declared into core's `ErrorCodes` (see packages/core/src/errors.ts). */
declare module '@tsplay/core' {
  interface ErrorCodes {
    GCP_INSTANCES_INVALID: true;
    GCP_ADDRESSES_UNKNOWN: true;
    GCP_GCLOUD_FAILED: true;
  }
}

export {};
