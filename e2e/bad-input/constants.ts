/** Paths on the lab hosts used by the security fixtures (shared by the playbooks and the test). */
export const SECRETS_DIR = '/tmp/tsplay-e2e-secrets';
export const HOLD_DIR = '/tmp/tsplay-e2e-hold';
