/**
 * Faults 9, 10, 11 and the durable handler (13) of issue 9 on a running etcd cluster: a stopped member, rotated
 * certificates, a unit edited by hand, and a restart notified by a changed unit that survives a failure later in
 * the run (Ansible loses it: ansible/ansible#10498).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  converge,
  etcdPids,
  expectHealthyCluster,
  expectNoPartialFiles,
  explain,
  FIXTURES,
  hostNames,
  hostOutput,
  lab,
  newStateDir,
  resetAll,
  tsplay,
} from './helpers.js';
import { ensureLab } from './host-control.js';

let stateDir: string;
let tmp: string;
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

beforeAll(async () => {
  await ensureLab(3); // a benchmark may have left a bigger lab up
  lab();
  stateDir = newStateDir('cluster');
  tmp = newStateDir('cluster-pki');
  await resetAll();
  await converge(stateDir);
});

afterAll(async () => {
  await resetAll().catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('etcd cluster faults on the lab', () => {
  it('9. one member stopped: the run starts it, verification passes', async () => {
    await hostOutput(1, 'systemctl stop etcd && ! systemctl is-active etcd', { become: true });
    const r = await converge(stateDir);
    expect(r.changed).toEqual([`${hostNames()[1]} › start etcd`]);
    expect(await hostOutput(1, 'systemctl is-active etcd', { become: true })).toBe('active\n');
    await expectHealthyCluster();
  });

  it('11. unit edited by hand: repaired and restarted on that host only', async () => {
    const [h0] = hostNames() as [string];
    await hostOutput(
      0,
      "sed -i 's/^RestartSec=5$/RestartSec=9/' /etc/systemd/system/etcd.service && grep -q RestartSec=9 /etc/systemd/system/etcd.service",
      { become: true },
    );
    const before = await etcdPids();
    const r = await converge(stateDir);
    expect(r.changed).toEqual([`${h0} › etcd.service`, `${h0} › start etcd`]);
    const after = await etcdPids();
    expect(after[0]).not.toBe(before[0]);
    expect(after.slice(1)).toEqual(before.slice(1));
    expect(
      await hostOutput(0, 'grep -c "^RestartSec=5$" /etc/systemd/system/etcd.service; systemctl show -p NeedDaemonReload --value etcd', {
        become: true,
      }),
    ).toBe('1\nno\n');
    await expectHealthyCluster();
  });

  it('10. certs rotated (new key and cert from the same CA): copied, served at the next handshake with no restart (same MainPID), cluster healthy', async () => {
    const p = lab().paths;
    const key = join(tmp, 'kubernetes-key.pem');
    const cert = join(tmp, 'kubernetes.pem');
    const ext = join(tmp, 'kubernetes.ext');
    const sans = [
      'IP:10.32.0.1',
      ...lab().hosts.map((h) => `IP:${h.address}`),
      'IP:127.0.0.1',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster',
      'DNS:kubernetes.svc.cluster.local',
    ];
    writeFileSync(
      ext,
      [
        'basicConstraints = critical, CA:FALSE',
        'keyUsage = critical, digitalSignature, keyEncipherment',
        'extendedKeyUsage = serverAuth, clientAuth',
        `subjectAltName = ${sans.join(', ')}`,
        '',
      ].join('\n'),
    );
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], { stdio: 'ignore' });
    execFileSync('openssl', ['req', '-new', '-key', key, '-out', join(tmp, 'k.csr'), '-subj', '/C=US/O=Kubernetes/CN=kubernetes'], {
      stdio: 'ignore',
    });
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        join(tmp, 'k.csr'),
        '-CA',
        p.caCert,
        '-CAkey',
        p.caKey,
        '-set_serial',
        '0x' + Date.now().toString(16),
        '-days',
        '2',
        '-sha256',
        '-extfile',
        ext,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    expect(existsSync(cert)).toBe(true);
    expect(sha(cert)).not.toBe(sha(p.cert));

    const before = await etcdPids();
    const r = await converge(stateDir, '-e', `etcdCertFile=${cert}`, '-e', `etcdKeyFile=${key}`);
    // the copies on every host and nothing else: etcd reads its cert and key at every new TLS handshake, so only a
    // new CA file is rolled in with a restart (packages/etcd/README.md, "Certificate rotation")
    expect(r.changed).toEqual(
      hostNames()
        .flatMap((h) => [`${h} › etcd cert`, `${h} › etcd key`])
        .sort(),
    );
    expect(await etcdPids()).toEqual(before);
    await expectHealthyCluster();
    // the members now present the new certificate
    const served = await hostOutput(
      0,
      `echo | openssl s_client -connect 127.0.0.1:2379 -CAfile /etc/etcd/ca.pem -cert /etc/etcd/kubernetes.pem -key /etc/etcd/kubernetes-key.pem 2>/dev/null | openssl x509 -noout -fingerprint -sha256`,
      { become: true },
    );
    const local = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
    expect(served.trim()).toBe(local.trim());
    await expectNoPartialFiles({ '/etc/etcd/kubernetes.pem': sha(cert), '/etc/etcd/kubernetes-key.pem': sha(key) });

    // and back to the lab's certs (also a rotation)
    const back = await converge(stateDir);
    expect(back.changed).toEqual(r.changed);
    expect(await etcdPids()).toEqual(before);
    await expectHealthyCluster();
  });

  it('13. durable handler: a unit change notifies the restart, a later task fails; the next run restarts etcd', async () => {
    const before = await etcdPids();
    const token = `etcd-faults-${Date.now()}`;
    const broken = await tsplay(
      ['run', join(FIXTURES, 'etcd-fail-after-unit.ts'), '-i', lab().inventoryFile, '-e', `etcdClusterToken=${token}`],
      { stateDir },
    );
    expect(broken.code, explain(broken)).toBe(2);
    expect(broken.changed).toEqual(hostNames().map((h) => `${h} › etcd.service`));
    expect(
      broken.results
        .filter((x) => x.status === 'failed')
        .map((x) => [x.host, x.task])
        .sort(),
    ).toEqual(hostNames().map((h) => [h, 'fails after the unit']));
    expect(broken.results.some((x) => x.task === 'start etcd')).toBe(false);
    // the restart did not happen, the unit on disk is new, systemd still runs the old one
    expect(await etcdPids()).toEqual(before);
    expect(await hostOutput(2, `grep -c -- '--initial-cluster-token ${token}' /etc/systemd/system/etcd.service`, { become: true })).toBe(
      '1\n',
    );
    // stored on the workstation before the failure
    const store = JSON.parse(readFileSync(join(stateDir, 'etcd.notify.json'), 'utf8')) as Record<string, string[]>;
    expect(store).toEqual(Object.fromEntries(hostNames().map((h) => [h, ['etcd › start etcd']])));

    // the next normal run: nothing else to change, but the stored notification restarts etcd everywhere
    const next = await converge(stateDir, '-e', `etcdClusterToken=${token}`);
    expect(next.changed).toEqual(hostNames().map((h) => `${h} › start etcd`));
    const after = await etcdPids();
    for (let i = 0; i < after.length; i++) expect(after[i], `etcd MainPID on ${hostNames()[i]}`).not.toBe(before[i]);
    expect(JSON.parse(readFileSync(join(stateDir, 'etcd.notify.json'), 'utf8'))).toEqual({});
    await expectHealthyCluster();
    // consumed once: a third run restarts nothing
    const third = await converge(stateDir, '-e', `etcdClusterToken=${token}`);
    expect(third.changed).toEqual([]);
    expect(await etcdPids()).toEqual(after);
  });
});
