import { defineFact, textFileFacts } from '../kit/index.js';

export const HOSTNAME_FILE = '/etc/hostname';

/** The running host name (`hostname`). */
export const liveHostname = defineFact({ module: 'hostname', name: 'live', script: () => 'hostname', parse: (r) => r.stdout.trim() });

export function hostnameFacts(become: boolean | string) {
  return { ...textFileFacts(HOSTNAME_FILE, become), live: liveHostname() };
}
export type HostnameFacts = ReturnType<typeof hostnameFacts>;
