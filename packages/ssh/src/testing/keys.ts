import { readFile } from 'node:fs/promises';
import { run } from './run.js';

export interface KeyPair {
  path: string;
  /** `TYPE BASE64` line of the public half. */
  publicLine: string;
  /** OpenSSH `SHA256:...` fingerprint as printed by ssh-keygen. */
  fingerprint: string;
}

/** ssh-keygen a new key pair (ed25519 unless told otherwise). */
export async function generateKey(path: string, opts: { passphrase?: string; type?: 'ed25519' | 'ecdsa' | 'rsa' } = {}): Promise<KeyPair> {
  await run('ssh-keygen', ['-q', '-t', opts.type ?? 'ed25519', '-N', opts.passphrase ?? '', '-C', 'tsplay-test', '-f', path]);
  const pub = (await readFile(`${path}.pub`, 'utf8')).trim().split(/\s+/);
  const fp = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`])).split(/\s+/)[1] ?? '';
  return { path, publicLine: `${pub[0]} ${pub[1]}`, fingerprint: fp };
}
