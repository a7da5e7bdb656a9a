import { AsyncLocalStorage } from 'node:async_hooks';
import type { Client, ClientChannel } from 'ssh2';

/** The channels a lease has open right now: set by the daemon around each request it runs for the lease. */
export const channelOwner = new AsyncLocalStorage<Set<ClientChannel>>();

type ExecCallback = (err: Error | undefined, ch: ClientChannel) => void;

/**
 * Record every exec channel of a pooled client in the set of the lease that opened it, so that when a
 * client dies mid-command its channels are closed, as its own TCP connection closing would have closed them
 * (the commands see EOF and a closed stdout, exactly as on a direct connection that went away).
 */
export function trackChannels(client: Client): void {
  const exec = client.exec.bind(client) as unknown as (...args: unknown[]) => unknown;
  (client as unknown as { exec: (...args: unknown[]) => unknown }).exec = (...args: unknown[]) => {
    const owned = channelOwner.getStore();
    const cb = args.pop() as ExecCallback;
    return exec(...args, (err: Error | undefined, ch: ClientChannel) => {
      if (ch && owned) {
        owned.add(ch);
        ch.once('close', () => owned.delete(ch));
      }
      cb(err, ch);
    });
  };
}

/** Close what the lease still has open (its client went away). */
export function closeOwned(owned: Set<ClientChannel>): void {
  for (const ch of owned) {
    try {
      ch.close();
    } catch {
      /* already closing */
    }
  }
  owned.clear();
}
