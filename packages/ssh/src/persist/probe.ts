import type { Client } from 'ssh2';

/**
 * Is the connection still answered? One global request with a reply (cancel-tcpip-forward of a port that is
 * not forwarded: sshd answers failure) costs one round trip and starts no process on the host. A rebooted host
 * answers with a TCP reset, a cut link not at all: both count as dead.
 */
export function probeAlive(client: Client, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const done = (alive: boolean): void => {
      clearTimeout(timer);
      resolve(alive);
    };
    try {
      client.unforwardIn('127.0.0.1', 1, (err?: Error | null) => {
        // ssh2 fails every pending request with "No response from server" when the connection closes.
        done(err === undefined || err === null || !/No response from server/.test(err.message));
      });
    } catch {
      done(false);
    }
  });
}
