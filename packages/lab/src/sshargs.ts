/** ssh(1) arguments that reach a lab host as `admin` with the lab key and strict host-key checking. */
export function sshArgs(opts: { privateKey: string; knownHosts: string; address: string; connectTimeoutS?: number }): string[] {
  return [
    '-F',
    '/dev/null',
    '-i',
    opts.privateKey,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${opts.knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${opts.connectTimeoutS ?? 5}`,
    '-o',
    'LogLevel=ERROR',
    `admin@${opts.address}`,
  ];
}
