/** Fails (never skips) a test that needs root, with the reason. */
export function requireRoot(why: string): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(`this test must run as root: ${why}`);
  }
}
