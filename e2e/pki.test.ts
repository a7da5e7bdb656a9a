/**
 * Issue 28, PKI: on the lab, playbooks/pki.ts (into a temp dir on the workstation) then playbooks/etcd.ts
 * converge fresh hosts with certificates tsplay made. Oracles on the hosts: `openssl verify`, `openssl x509
 * -ext subjectAltName`, `sha256sum`, `etcdctl endpoint health` over TLS, `openssl s_client` for the served
 * certificate. The hosts are reset before and after (as e2e/etcd.test.ts leaves them).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '@tsplay/core';
import { ETCD_TARBALL } from '@tsplay/lab';
import { hostOutput, lab, onAllHosts } from './helpers/lab.js';
import { local } from './helpers/local.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'packages/cli/bin/tsplay.js');
const FILES = ['ca.pem', 'ca-key.pem', 'kubernetes.pem', 'kubernetes-key.pem'] as const;
const RESET = [
  'systemctl disable --now etcd 2>/dev/null; systemctl reset-failed etcd 2>/dev/null',
  `rm -rf /etc/systemd/system/etcd.service /etc/etcd /var/lib/etcd /usr/local/bin/etcd /usr/local/bin/etcdctl /usr/local/src/${ETCD_TARBALL}`,
  'systemctl daemon-reload',
].join('\n');

type TaskResult = Extract<RunEvent, { type: 'task.result' }>;
let dir: string;
let stateDir: string;

async function tsplay(playbook: string, ...varFiles: string[]) {
  const args = [
    CLI,
    'run',
    join(ROOT, 'playbooks', playbook),
    '-i',
    lab().inventoryFile,
    '--json',
    ...varFiles.flatMap((f) => ['-e', `@${f}`]),
  ];
  return new Promise<{ code: number; results: TaskResult[]; changed: string[]; why: string }>((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, TSPLAY_STATE_DIR: stateDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', fail);
    child.once('close', (code) => {
      const results = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as RunEvent)
        .filter((e): e is TaskResult => e.type === 'task.result');
      const failed = results
        .filter((r) => r.status === 'failed')
        .map((r) => `${r.host} › ${r.task}: ${r.error?.code ?? ''} ${r.msg ?? ''}`);
      done({
        code: code ?? -1,
        results,
        changed: [...new Set(results.filter((r) => r.changed).map((r) => r.task))].sort(),
        why: `${failed.join('\n')}\n${stderr.slice(-2000)}`,
      });
    });
  });
}

/** A vars file for both playbooks: the certificates in the temp dir, plus `extra`. */
function varsFile(name: string, extra: Record<string, unknown> = {}): string {
  const f = join(dir, name);
  writeFileSync(
    f,
    JSON.stringify({
      etcdCaFile: join(dir, 'ca.pem'),
      etcdCertFile: join(dir, 'kubernetes.pem'),
      etcdKeyFile: join(dir, 'kubernetes-key.pem'),
      ...extra,
    }),
  );
  return f;
}
const sha = (f: string) =>
  createHash('sha256')
    .update(readFileSync(join(dir, f)))
    .digest('hex');
const ETCDCTL = (ip: string) =>
  `ETCDCTL_API=3 /usr/local/bin/etcdctl --endpoints=https://${ip}:2379 --cacert=/etc/etcd/ca.pem --cert=/etc/etcd/kubernetes.pem --key=/etc/etcd/kubernetes-key.pem --command-timeout=5s`;
/** The serial of the certificate etcd serves on the host's client port (openssl s_client on the host). */
const servedSerial = (ip: string) =>
  `echo | openssl s_client -connect ${ip}:2379 -CAfile /etc/etcd/ca.pem -cert /etc/etcd/kubernetes.pem -key /etc/etcd/kubernetes-key.pem 2>/dev/null | openssl x509 -noout -serial`;

beforeAll(async () => {
  for (const f of [CLI, join(ROOT, 'packages/pki/dist/index.js'), join(ROOT, 'packages/etcd/dist/index.js')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`pnpm build\` before the e2e tests (the CLI runs from dist)`);
  }
  lab();
  dir = mkdtempSync(join(tmpdir(), 'tsplay-e2e-pki-'));
  stateDir = mkdtempSync(join(tmpdir(), 'tsplay-e2e-pki-state-'));
  await onAllHosts(RESET, { become: true });
});

afterAll(async () => {
  await onAllHosts(RESET, { become: true }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

describe('playbooks/pki.ts then playbooks/etcd.ts on the lab', () => {
  it('1. pki.ts makes the CA and the kubernetes certificate; etcd.ts converges fresh hosts with them', async () => {
    const vars = varsFile('vars.json');
    const p = await tsplay('pki.ts', vars);
    expect(p.code, p.why).toBe(0);
    expect(p.changed).toEqual(['the CA', 'the kubernetes certificate']);
    expect((await local('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'kubernetes.pem')])).stdout.trim()).toBe(
      `${join(dir, 'kubernetes.pem')}: OK`,
    );
    const e = await tsplay('etcd.ts', vars);
    expect(e.code, e.why).toBe(0);
    expect(e.results.filter((r) => r.task === 'etcd member list').map((r) => r.stdout)).toEqual([
      '3 members started',
      '3 members started',
      '3 members started',
    ]);
  });

  it('2. on every host: the files are the workstation ones, openssl verifies the chain, the SANs name the host, etcd is healthy over TLS', async () => {
    for (const h of lab().hosts) {
      const sums = await hostOutput(h.index, 'sha256sum /etc/etcd/ca.pem /etc/etcd/kubernetes.pem /etc/etcd/kubernetes-key.pem', {
        become: true,
      });
      expect(
        sums
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(/\s+/)[0]),
      ).toEqual([sha('ca.pem'), sha('kubernetes.pem'), sha('kubernetes-key.pem')]);
      expect((await hostOutput(h.index, 'openssl verify -CAfile /etc/etcd/ca.pem /etc/etcd/kubernetes.pem', { become: true })).trim()).toBe(
        '/etc/etcd/kubernetes.pem: OK',
      );
      const san = await hostOutput(h.index, 'openssl x509 -noout -ext subjectAltName -in /etc/etcd/kubernetes.pem', { become: true });
      for (const want of [
        `IP Address:${h.address}`,
        `DNS:${h.name}`,
        'IP Address:127.0.0.1',
        'IP Address:10.32.0.1',
        'DNS:kubernetes.default',
      ])
        expect(san).toContain(want);
      expect(await hostOutput(h.index, `${ETCDCTL(h.address)} endpoint health -w json`, { become: true })).toContain('"health":true');
      expect(await hostOutput(h.index, 'stat -c %a /etc/etcd/kubernetes-key.pem', { become: true })).toBe('600\n');
    }
  });

  it('3. a re-run of pki.ts changes nothing: same bytes; etcd.ts then changes nothing either', async () => {
    const vars = varsFile('vars.json');
    const before = FILES.map(sha);
    const p = await tsplay('pki.ts', vars);
    expect(p.code, p.why).toBe(0);
    expect(p.changed).toEqual([]);
    expect(FILES.map(sha)).toEqual(before);
    const e = await tsplay('etcd.ts', vars);
    expect(e.code, e.why).toBe(0);
    expect(e.changed).toEqual([]);
  });

  it('4. a renewal threshold above the days left re-issues the certificate (same CA and key); etcd.ts rolls it in and every member serves it', async () => {
    const before = FILES.map(sha);
    const p = await tsplay('pki.ts', varsFile('renew.json', { pkiRenewDays: 400 }));
    expect(p.code, p.why).toBe(0);
    expect(p.changed).toEqual(['the kubernetes certificate']);
    expect(FILES.map((f, i) => sha(f) === before[i])).toEqual([true, true, false, true]);
    const serial = (await local('openssl', ['x509', '-in', join(dir, 'kubernetes.pem'), '-noout', '-serial'])).stdout.trim();
    const e = await tsplay('etcd.ts', varsFile('vars.json'));
    expect(e.code, e.why).toBe(0);
    expect(e.changed).toContain('etcd cert');
    for (const h of lab().hosts) {
      expect((await hostOutput(h.index, servedSerial(h.address), { become: true })).trim()).toBe(serial);
      expect(await hostOutput(h.index, `${ETCDCTL(h.address)} endpoint health -w json`, { become: true })).toContain('"health":true');
    }
  });
});
