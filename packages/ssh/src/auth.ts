import { readFile } from 'node:fs/promises';
import ssh2, { type AgentAuthMethod, type IdentityCallback, type ParsedKey, type PublicKeyAuthMethod } from 'ssh2';

// ssh2 is CommonJS: take values from the default export (named imports fail under plain Node ESM).
const { OpenSSHAgent, utils } = ssh2;
import { TsplayError } from '@tsplay/core';
import type { SshTarget } from './spec.js';

/** What was tried, for the AUTH_FAILED message. */
export interface AuthPlan {
  methods: (AgentAuthMethod | PublicKeyAuthMethod)[];
  tried: string[];
  /** Key files we could not use without a passphrase. */
  encrypted: string[];
}

/** Public blob of an OpenSSH-format private key (readable even when the key is encrypted), or of `FILE.pub`. */
export async function publicBlobOf(file: string, privateText?: string): Promise<Buffer | undefined> {
  const pub = await readFile(`${file}.pub`, 'utf8').catch(() => undefined);
  const b64 = pub?.trim().split(/\s+/)[1];
  if (b64) return Buffer.from(b64, 'base64');
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]+?)-----END/.exec(privateText ?? '');
  if (!m) return undefined;
  const buf = Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (buf.subarray(0, magic.length).toString('latin1') !== magic) return undefined;
  let off = magic.length;
  const str = (): Buffer => {
    const len = buf.readUInt32BE(off);
    const s = buf.subarray(off + 4, off + 4 + len);
    off += 4 + len;
    return s;
  };
  str(); // cipher
  str(); // kdf
  str(); // kdf options
  off += 4; // number of keys
  return Buffer.from(str());
}

/** An agent that only offers the keys whose public halves are in `allowed` (IdentitiesOnly). */
class FilteredAgent extends OpenSSHAgent {
  constructor(
    socket: string,
    private readonly allowed: Buffer[],
  ) {
    super(socket);
  }
  override getIdentities(cb: IdentityCallback<ParsedKey>): void {
    super.getIdentities((err, keys) => {
      if (err || !keys) return cb(err ?? new Error('no identities'));
      cb(
        undefined,
        keys.filter((k) => 'getPublicSSH' in k && this.allowed.some((a) => a.equals(k.getPublicSSH()))),
      );
    });
  }
}

const ENCRYPTED = /passphrase|encrypted/i;

/** Agent first (filtered by IdentitiesOnly), then every usable key file, like OpenSSH. */
export async function planAuth(t: SshTarget): Promise<AuthPlan> {
  const plan: AuthPlan = { methods: [], tried: [], encrypted: [] };
  const files: { path: string; text: string }[] = [];
  for (const path of t.identityFiles) {
    const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (path === t.requiredIdentity)
        throw new TsplayError('AUTH_FAILED', `cannot read private key ${path}: ${e.code ?? e.message}`, {
          host: t.name,
          field: 'privateKeyPath',
          hint: 'check privateKeyPath in the inventory (relative paths are relative to the inventory file)',
        });
      return undefined;
    });
    if (text !== undefined) files.push({ path, text });
  }
  if (t.agentSocket) {
    if (!t.identitiesOnly) {
      plan.methods.push({ type: 'agent', username: t.user, agent: t.agentSocket });
    } else {
      const blobs = (await Promise.all(files.map((f) => publicBlobOf(f.path, f.text)))).filter((b): b is Buffer => b !== undefined);
      plan.methods.push({ type: 'agent', username: t.user, agent: new FilteredAgent(t.agentSocket, blobs) });
    }
    plan.tried.push(`ssh-agent (${t.agentSocket})`);
  }
  for (const f of files) {
    const key = utils.parseKey(f.text);
    if (key instanceof Error) {
      if (ENCRYPTED.test(key.message)) plan.encrypted.push(f.path);
      continue;
    }
    plan.methods.push({ type: 'publickey', username: t.user, key: f.text });
    plan.tried.push(f.path);
  }
  if (plan.methods.length === 0) throw authError(t, plan);
  return plan;
}

/** AUTH_FAILED with the most useful hint for what was (not) tried. */
export function authError(t: SshTarget, plan: AuthPlan, cause?: unknown): TsplayError {
  const who = `${t.user}@${t.host}:${t.port}`;
  const tried = plan.tried.length ? `tried ${plan.tried.join(', ')}` : 'no usable key';
  let hint: string;
  if (plan.encrypted.length) {
    const f = plan.encrypted[0] ?? '';
    hint = t.agentSocket
      ? `${f} is passphrase-protected and the ssh-agent does not hold it: run \`ssh-add ${f}\``
      : `${f} is passphrase-protected and no ssh-agent is available (SSH_AUTH_SOCK is not set): run \`eval "$(ssh-agent)"; ssh-add ${f}\` before tsplay`;
  } else {
    hint = `check that the public key is in ~${t.user}/.ssh/authorized_keys on ${t.host}, and the user (inventory \`user\`, ssh config \`User\`) and key (\`privateKeyPath\`, \`IdentityFile\`)`;
  }
  return new TsplayError('AUTH_FAILED', `authentication failed for ${who}: ${tried}`, { host: t.name, hint, cause });
}
