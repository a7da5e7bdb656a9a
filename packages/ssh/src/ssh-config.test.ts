import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandIncludes } from './ssh-config-include.js';
import { expandTokens, lookupSshConfig, parseJumpHop } from './ssh-config.js';
import { matchPatternList } from './pattern.js';

const CONFIG = `
# global options apply to every host
ConnectTimeout 7

Host web-* !web-internal
    HostName %h.example.test
    User deploy
    IdentityFile ~/.ssh/web
    Port=2200

Host web-?
    User ignored-already-set
    IdentityFile "%d/.ssh/second key"
    IdentitiesOnly yes
    ProxyJump admin@bastion:2222,second

Match host web-1
    User from-match

Host *
    User fallback
    Port 22
    StrictHostKeyChecking accept-new
    UserKnownHostsFile ~/.ssh/kh1 ~/.ssh/kh2
`;

describe('ssh config', () => {
  it('takes the first value of each option across matching blocks and collects IdentityFile', () => {
    expect(lookupSshConfig(CONFIG, 'web-1')).toEqual({
      hostName: 'web-1.example.test',
      user: 'deploy',
      port: 2200,
      identityFiles: ['~/.ssh/web', '%d/.ssh/second key'],
      identitiesOnly: true,
      proxyJump: 'admin@bastion:2222,second',
      connectTimeoutMs: 7000,
      strictHostKeyChecking: 'accept-new',
      userKnownHostsFiles: ['~/.ssh/kh1', '~/.ssh/kh2'],
    });
  });

  it('honours negated patterns and falls through to Host *', () => {
    const e = lookupSshConfig(CONFIG, 'web-internal');
    expect(e.hostName).toBeUndefined();
    expect(e.user).toBe('fallback');
    expect(e.port).toBe(22);
    expect(e.identityFiles).toEqual([]);
  });

  it('returns nothing for an empty config', () => {
    expect(lookupSshConfig('', 'x')).toEqual({ identityFiles: [] });
  });

  it('expands ~ and % tokens', () => {
    const ctx = { home: '/home/me', localUser: 'me', host: 'h1', user: 'admin', port: 22 };
    expect(expandTokens('~/.ssh/id_%h_%r', ctx)).toBe('/home/me/.ssh/id_h1_admin');
    expect(expandTokens('%d/x/%u/%p/%%', ctx)).toBe('/home/me/x/me/22/%');
  });

  it('parses ProxyJump hops', () => {
    expect(parseJumpHop('admin@bastion:2222')).toEqual({ user: 'admin', host: 'bastion', port: 2222 });
    expect(parseJumpHop('bastion')).toEqual({ host: 'bastion' });
    expect(parseJumpHop('ssh://u@[fe80::1]:22')).toEqual({ user: 'u', host: 'fe80::1', port: 22 });
  });

  it('matches * and ? wildcards, case-insensitively, with ! vetoes', () => {
    expect(matchPatternList('Controller-0', ['controller-?'])).toBe(true);
    expect(matchPatternList('controller-10', ['controller-?'])).toBe(false);
    expect(matchPatternList('a.b.c', ['*.c', '!a.*'])).toBe(false);
    expect(matchPatternList('x.c', ['*.c', '!a.*'])).toBe(true);
    expect(matchPatternList('a+b', ['a+b'])).toBe(true);
  });
});

describe('ssh config Include', () => {
  it('inlines included files (relative to ~/.ssh, with globs, nested)', () => {
    const home = mkdtempSync(join(tmpdir(), 'tsplay-sshcfg-'));
    mkdirSync(join(home, '.ssh', 'config.d'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'config.d', 'a.conf'), 'Host a\n  Port 2201\nInclude ~/.ssh/nested\n');
    writeFileSync(join(home, '.ssh', 'config.d', 'b.conf'), 'Host b\n  Port 2202\n');
    writeFileSync(join(home, '.ssh', 'nested'), 'Host c\n  Port 2203\n');
    const text = expandIncludes('Include config.d/*.conf missing-file\nHost *\n  User u\n', home);
    expect(lookupSshConfig(text, 'a').port).toBe(2201);
    expect(lookupSshConfig(text, 'b').port).toBe(2202);
    expect(lookupSshConfig(text, 'c')).toMatchObject({ port: 2203, user: 'u' });
    rmSync(home, { recursive: true, force: true });
  });
});
