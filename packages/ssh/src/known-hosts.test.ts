import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  fingerprint,
  hostFieldMatches,
  KnownHostsIndex,
  keyType,
  knownHostName,
  knownHostsLine,
  parseKnownHosts,
} from './known-hosts.js';

/** A syntactically real ssh-ed25519 blob with a chosen 32-byte key. */
function blob(fill: number, type = 'ssh-ed25519'): Buffer {
  const t = Buffer.from(type);
  const k = Buffer.alloc(32, fill);
  const b = Buffer.alloc(8 + t.length + k.length);
  b.writeUInt32BE(t.length, 0);
  t.copy(b, 4);
  b.writeUInt32BE(k.length, 4 + t.length);
  k.copy(b, 8 + t.length);
  return b;
}
const A = blob(1);
const B = blob(2);
const R = blob(3, 'ssh-rsa');

function hashed(name: string, salt = Buffer.alloc(20, 9)): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  const text = [
    '# comment',
    `web1,10.0.0.1 ssh-ed25519 ${A.toString('base64')}`,
    `[10.0.0.2]:2222 ssh-ed25519 ${A.toString('base64')} trailing comment`,
    `${hashed('[127.0.0.1]:2022')} ssh-ed25519 ${B.toString('base64')}`,
    `*.lab,!evil.lab ssh-rsa ${R.toString('base64')}`,
    `@revoked * ssh-ed25519 ${blob(7).toString('base64')}`,
    `@cert-authority *.ca ssh-ed25519 ${A.toString('base64')}`,
    'garbage line',
  ].join('\n');
  const entries = parseKnownHosts(text, '/kh');

  it('the index finds exactly the entries hostFieldMatches accepts, in file order', () => {
    const more = parseKnownHosts(
      [text, `10.0.0.1 ssh-rsa ${R.toString('base64')}`, `${hashed('web1', Buffer.alloc(20, 4))} ssh-ed25519 ${B.toString('base64')}`].join(
        '\n',
      ),
      '/kh',
    );
    const index = new KnownHostsIndex(more);
    const names = [
      'web1',
      'WEB1',
      '10.0.0.1',
      '[10.0.0.2]:2222',
      '10.0.0.2',
      '[127.0.0.1]:2022',
      'x.lab',
      'evil.lab',
      'y.ca',
      'nothing',
      '',
    ];
    for (const n of names) expect(index.forName(n), n).toEqual(more.filter((e) => hostFieldMatches(e.hosts, n)));
    expect(index.forName('web1').map((e) => e.line)).toEqual([2, 6, 10]); // literal, revoked '*', hashed: file order
    expect(index.forName('10.0.0.1').map((e) => e.line)).toEqual([2, 6, 9]);
    // a name looked up again gets the same answer from the index's memory, and a caller's edit does not reach it
    index.forName('web1').length = 0;
    for (const n of names) expect(index.forName(n), `${n} again`).toEqual(more.filter((e) => hostFieldMatches(e.hosts, n)));
  });

  it('parses key lines with markers and skips comments and garbage', () => {
    expect(entries.map((e) => [e.marker, e.type, e.line])).toEqual([
      [undefined, 'ssh-ed25519', 2],
      [undefined, 'ssh-ed25519', 3],
      [undefined, 'ssh-ed25519', 4],
      [undefined, 'ssh-rsa', 5],
      ['revoked', 'ssh-ed25519', 6],
      ['cert-authority', 'ssh-ed25519', 7],
    ]);
  });

  it('names hosts like OpenSSH: plain on port 22, [host]:port otherwise', () => {
    expect(knownHostName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches comma lists, [host]:port, hashed names and wildcard patterns', () => {
    expect(checkHostKey(entries, '10.0.0.1', A).status).toBe('ok');
    expect(checkHostKey(entries, 'web1', A).status).toBe('ok');
    expect(checkHostKey(entries, '[10.0.0.2]:2222', A).status).toBe('ok');
    expect(checkHostKey(entries, '10.0.0.2', A).status).toBe('unknown');
    expect(checkHostKey(entries, '[127.0.0.1]:2022', B).status).toBe('ok');
    expect(checkHostKey(entries, 'node.lab', R).status).toBe('ok');
    expect(checkHostKey(entries, 'evil.lab', R).status).toBe('unknown');
    expect(hostFieldMatches(hashed('x'), 'y')).toBe(false);
  });

  it('says changed for the same key type with another key, unknown for another type', () => {
    const changed = checkHostKey(entries, 'web1', B);
    expect(changed.status).toBe('changed');
    expect(changed.status === 'changed' && changed.entry.line).toBe(2);
    expect(checkHostKey(entries, 'node.lab', blob(5))).toEqual({ status: 'unknown', otherTypes: ['ssh-rsa'] });
  });

  it('refuses revoked keys and ignores @cert-authority lines as host keys', () => {
    expect(checkHostKey(entries, 'anything', blob(7)).status).toBe('revoked');
    expect(checkHostKey(entries, 'x.ca', A).status).toBe('unknown');
  });

  it('prints fingerprints the way ssh-keygen does and writes lines accept-new can read back', () => {
    expect(fingerprint(A)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(keyType(R)).toBe('ssh-rsa');
    const line = knownHostsLine('[h]:2', A);
    expect(checkHostKey(parseKnownHosts(line, 'f'), '[h]:2', A).status).toBe('ok');
  });
});
