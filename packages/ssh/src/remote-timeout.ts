import { quote } from '@tsplay/core';

/** How much later than the client's timer the host-side backstop fires. */
export const BACKSTOP_DELAY_MS = 500;

/**
 * Host-side backstop for `timeoutMs`. The client sends a KILL `signal` request when the timer fires, but
 * sshd delivers it as the login user (a command under sudo survives it) and not at all for root logins
 * without privilege separation; coreutils `timeout` (TERM, then KILL after 1 s, to its whole process
 * group) ends those. Goes inside sudo, so it runs with the command's privileges. A host without `timeout`
 * runs the command as it is (the client's signal is then the only stop).
 */
export function withRemoteTimeout(command: string, timeoutMs: number): string {
  const secs = ((timeoutMs + BACKSTOP_DELAY_MS) / 1000).toFixed(3);
  // the command once (a host without `timeout` runs it as it is): the wrapper's own positional parameters
  // carry the prefix
  return `if command -v timeout >/dev/null 2>&1; then set -- timeout -k 1 ${secs}; else set --; fi; exec "$@" /bin/sh -c ${quote(command)}`;
}
