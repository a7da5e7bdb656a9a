import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readdirSync as ls, symlinkSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secret, type ApplyContext } from '@tsplay/core';
import { Overlay } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFixture } from '../testing/fixture.js';
import { startReleaseFixture } from '../testing/release-server.js';
import { sha256Hex } from '../testing/tree-snapshot.js';
import { downloadArgsSchema } from './args.js';
import { applyDownload } from './apply.js';
import { downloadersFact, parseDownloaders } from './facts.js';

// Issue 25, items 3 and 4: https-only over every redirect with curl and with wget, the downloader found under
// dash, and neither headers nor a password in the URL on the host's command line.
const conn = new LocalConnection('local');
const fx = useFixture(startReleaseFixture, (f) => f.close());
const evil = 'the attacker file\n';
let plain: Server;
let redirector: Server;
let redirUrl = '';
/** What `ps` showed while the request was in flight: every command line that holds the secret. */
let seenOnArgv: string[] = [];

const listen = (s: Server): Promise<number> => new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
function argvHolding(needle: string): string[] {
  const out: string[] = [];
  for (const pid of ls('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(needle) && !cmd.includes('vitest')) out.push(cmd.replace(/\0/g, ' '));
    } catch {
      /* gone */
    }
  }
  return out;
}

beforeAll(async () => {
  plain = createHttp((_q, r) => r.end(evil));
  const plainPort = await listen(plain);
  redirector = createHttps({ key: fx.pki.key, cert: fx.pki.cert }, (q, r) => {
    if (q.url?.startsWith('/secret')) {
      seenOnArgv = argvHolding('s3cr3t');
      return r.end(evil);
    }
    r.writeHead(302, { Location: `http://127.0.0.1:${plainPort}/evil` }).end();
  });
  redirUrl = `https://127.0.0.1:${await listen(redirector)}`;
});
afterAll(() => {
  plain.close();
  redirector.close();
});

function ctx(): ApplyContext {
  return { conn, host: 'local', become: false, check: false, overlay: new Overlay(), log: () => undefined } as unknown as ApplyContext;
}
const plan = (tool: 'curl' | 'wget', expected = sha256Hex(evil)) => ({
  changed: true,
  data: { action: 'download' as const, expected, tool, mode: 0o644, owner: undefined, group: undefined },
});

describe('download: https only, over every redirect', () => {
  it.each(['curl', 'wget'] as const)(
    '%s: an https URL redirected to http is refused and nothing is written, even with the attacker checksum',
    async (tool) => {
      const dir = fx.freshDir(`redir-${tool}`);
      const a = downloadArgsSchema.parse({
        url: `${redirUrl}/x.tar.gz`,
        dest: join(dir, 'x.tar.gz'),
        checksum: `sha256:${sha256Hex(evil)}`,
        caFile: fx.pki.caFile,
      });
      await expect(applyDownload(ctx(), a, plan(tool))).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', field: 'url' });
      expect(readdirSync(dir)).toEqual([]);
    },
  );

  it('wget: a plain https download still works (the check passes on a good log)', async () => {
    const dir = fx.freshDir('wget-ok');
    const a = downloadArgsSchema.parse({
      url: fx.tarballUrl,
      dest: join(dir, 'x.tar.gz'),
      checksum: `sha256:${fx.tarball.sha256}`,
      caFile: fx.pki.caFile,
    });
    const r = await applyDownload(ctx(), a, plan('wget', fx.tarball.sha256));
    expect(r.data?.downloaded).toBe(true);
    expect(sha256Hex(readFileSync(join(dir, 'x.tar.gz')))).toBe(fx.tarball.sha256);
  });
});

describe('download: secrets never on the command line', () => {
  it.each(['curl', 'wget'] as const)('%s: a Secret header and a password in the URL are sent, and no process shows them', async (tool) => {
    const dir = fx.freshDir(`argv-${tool}`);
    seenOnArgv = ['not asked'];
    const u = new URL(`${redirUrl}/secret`);
    u.username = 'me';
    u.password = 's3cr3t-pw';
    const a = downloadArgsSchema.parse({
      url: u.toString(),
      dest: join(dir, 'f'),
      checksum: `sha256:${sha256Hex(evil)}`,
      caFile: fx.pki.caFile,
      headers: { Authorization: secret('Bearer s3cr3t-token') },
    });
    await applyDownload(ctx(), a, plan(tool));
    expect(seenOnArgv).toEqual([]);
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe(evil);
  });

  it('a checksum URL with a password is refused (it would be on the command line)', () => {
    const r = downloadArgsSchema.safeParse({ url: 'https://h/x', dest: '/tmp/x', checksum: 'sha256:https://me:pw@h/SHA256SUMS' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['checksum']);
  });
});

describe('download: the downloader is found under dash', () => {
  it('a host with only wget reports wget (dash looks up only the first name of `command -v a b`)', () => {
    const bin = mkdtempSync(join(tmpdir(), 'tsplay-onlywget-'));
    symlinkSync('/usr/bin/wget', join(bin, 'wget'));
    const script = downloadersFact().script;
    const r = spawnSync('/bin/sh', ['-c', script], { env: { PATH: bin }, encoding: 'utf8' });
    expect(parseDownloaders(r.stdout)).toEqual({ curl: false, wget: true });
  });
});
