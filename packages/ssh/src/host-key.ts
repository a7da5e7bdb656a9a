import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TsplayError, quote } from '@tsplay/core';
import type { SshTarget } from './spec.js';
import {
  checkHostKey,
  fingerprint,
  keyType,
  knownHostName,
  knownHostsLine,
  KnownHostsIndex,
  knownTypes,
  parseKnownHosts,
  type KnownHostEntry,
} from './known-hosts.js';

const ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];
const algosFor = (type: string): string[] => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]);
const SCAN_TYPE: Record<string, string> = { 'ssh-ed25519': 'ed25519', 'ssh-rsa': 'rsa' };

export interface HostKeyCheck {
  /** For ssh2's `hostVerifier`: receives the raw key blob. */
  verifier(key: Buffer, verify: (ok: boolean) => void): void;
  /** The refusal, once the verifier said no. */
  refusal(): TsplayError | undefined;
  /** Host key algorithms, the types already known for this host first (as OpenSSH orders them). */
  serverHostKey: string[];
}

async function loadEntries(files: readonly string[]): Promise<KnownHostEntry[]> {
  const texts = await Promise.all(
    files.map((f) =>
      readFile(f, 'utf8').then(
        (t) => parseKnownHosts(t, f),
        () => [],
      ),
    ),
  );
  return texts.flat();
}

/** Parsed known_hosts file sets of this process, each with the stat stamps of its files when it was read. */
const loaded = new Map<string, { stamp: string; index: Promise<KnownHostsIndex> }>();
const LOADED_MAX = 16;

/** A file's identity and version: a replaced, edited or appended file has another stamp. */
const stampOf = (f: string): Promise<string> =>
  stat(f, { bigint: true }).then(
    (s) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`,
    () => '-',
  );

/**
 * The index of `files`, read and parsed once while none of them changes (a run's every dial, and the daemon's
 * runs, share it): each call costs a stat per file. The stamp is taken before the read, so a file that changes
 * in between is read again on the next call.
 */
export async function knownHostsIndex(files: readonly string[]): Promise<KnownHostsIndex> {
  const key = files.join('\0');
  const stamp = (await Promise.all(files.map(stampOf))).join('|');
  const hit = loaded.get(key);
  if (hit?.stamp === stamp) return hit.index;
  const index = loadEntries(files).then((e) => new KnownHostsIndex(e));
  loaded.delete(key);
  if (loaded.size >= LOADED_MAX) loaded.delete(loaded.keys().next().value as string);
  loaded.set(key, { stamp, index });
  return index;
}

async function record(file: string, line: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const old = await readFile(file, 'utf8').catch(() => '');
  await appendFile(file, (old === '' || old.endsWith('\n') ? '' : '\n') + line, { mode: 0o600 });
}

/** Strict known_hosts checking (never accepts a changed key; `accept-new` records unknown ones). */
export async function hostKeyCheck(t: SshTarget): Promise<HostKeyCheck> {
  // HostKeyAlias: the key is looked up and recorded under the alias only (gcloud's compute.ID, CheckHostIP=no).
  const name = t.hostKeyAlias ?? knownHostName(t.host, t.port);
  const entries = (await knownHostsIndex(t.knownHostsFiles)).forName(name);
  const known = knownTypes(entries, name).flatMap(algosFor);
  const serverHostKey = [...new Set([...known.filter((a) => ALGOS.includes(a)), ...ALGOS])];
  const where = `${t.name} (${t.host}:${t.port}${t.hostKeyAlias ? `, known_hosts name ${t.hostKeyAlias}` : ''})`;
  const firstFile = t.knownHostsFiles[0] ?? '~/.ssh/known_hosts';
  let refused: TsplayError | undefined;
  return {
    serverHostKey,
    refusal: () => refused,
    verifier(blob, verify) {
      const v = checkHostKey(entries, name, blob);
      const fp = fingerprint(blob);
      const type = keyType(blob);
      if (v.status === 'ok') return verify(true);
      if (v.status === 'unknown') {
        if (t.hostKeyChecking === 'accept-new') {
          record(firstFile, knownHostsLine(name, blob)).then(
            () => verify(true),
            (e: unknown) => {
              refused = new TsplayError(
                'HOST_KEY_UNKNOWN',
                `cannot record the host key of ${where} in ${firstFile}: ${(e as Error).message}`,
                { host: t.name, cause: e },
              );
              verify(false);
            },
          );
          return;
        }
        const keyscan = `ssh-keyscan -p ${t.port} -t ${SCAN_TYPE[type] ?? type.replace(/-sha2-.*/, '')} ${quote(t.host)}`;
        const scan = t.hostKeyAlias
          ? `${keyscan} 2>/dev/null | sed ${quote(`s/^[^ ]* /${t.hostKeyAlias} /`)} >> ${quote(firstFile)}`
          : `${keyscan} >> ${quote(firstFile)}`;
        const also = v.otherTypes.length ? ` (known_hosts only has ${v.otherTypes.join(', ')} keys for it)` : '';
        refused = new TsplayError('HOST_KEY_UNKNOWN', `host key of ${where} is not known${also}: ${type} ${fp}`, {
          host: t.name,
          hint: `check that ${fp} is the host's real key (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${SCAN_TYPE[type] ?? 'ecdsa'}_key.pub), then trust it with: ${scan}  — and compare: ssh-keygen -lf ${quote(firstFile)}. Or set hostKeyChecking: accept-new in the inventory to record new keys.`,
        });
        return verify(false);
      }
      const old = v.entry;
      const what = v.status === 'revoked' ? 'is REVOKED' : 'HAS CHANGED';
      refused = new TsplayError(
        'HOST_KEY_CHANGED',
        `HOST KEY OF ${where} ${what}: ${old.file}:${old.line} has ${old.type} ${fingerprint(old.blob)}, the host presents ${type} ${fp}. Someone may be intercepting the connection (man-in-the-middle), or the host was reinstalled. Refusing to connect.`,
        {
          host: t.name,
          hint: `only if you know the host was reinstalled: verify ${fp} on the host, remove the old key with \`ssh-keygen -R ${quote(name)} -f ${quote(old.file)}\` and trust the new one`,
        },
      );
      verify(false);
    },
  };
}
