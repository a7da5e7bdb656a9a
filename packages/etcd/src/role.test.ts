import { describe, expect, it } from 'vitest';
import type { HostInfo, Task, TaskOutcome } from '@tsplay/core';
import { etcdPlay, etcdRole, etcdTasks } from './role.js';
import { etcdUnit } from './unit.js';
import { EtcdVars } from './vars.js';
import { argsOf, KTHW, roleCtx, type Results } from './testing/role-ctx.js';

const ctx = roleCtx;

const certs = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem', keyFile: '/etc/etcd/kubernetes-key.pem' };

describe('etcd role', () => {
  it("has the seed's steps in order, plus the safety probe and the verification", () => {
    expect(etcdRole().map((t) => t.name)).toEqual([
      'download etcd',
      'install etcd binaries',
      'etcd config dir',
      'etcd data dir',
      'etcd ca cert',
      'etcd cert',
      'etcd key',
      'internal ip from GCE metadata',
      'etcd name from hostname -s',
      'etcd.service',
      'etcd bootstrap safety',
      'start etcd',
      'etcd member list',
      'etcd endpoint health',
      'etcd restart needed',
    ]);
    expect(etcdPlay()).toMatchObject({ name: 'etcd', hosts: 'controllers', become: true });
  });

  it('every task has args its module accepts, with the defaults of the seed', () => {
    const t = etcdTasks();
    const c = ctx();
    for (const task of etcdRole()) argsOf(task, c);
    expect(argsOf(t.fetch, c)).toMatchObject({
      url: 'https://github.com/etcd-io/etcd/releases/download/v3.4.15/etcd-v3.4.15-linux-amd64.tar.gz',
      checksum: 'sha256:https://github.com/etcd-io/etcd/releases/download/v3.4.15/SHA256SUMS',
      dest: '/usr/local/src/etcd-v3.4.15-linux-amd64.tar.gz',
    });
    expect(argsOf(t.install, c)).toMatchObject({
      src: '/usr/local/src/etcd-v3.4.15-linux-amd64.tar.gz',
      dest: '/usr/local/bin',
      include: ['*/etcd', '*/etcdctl'],
      stripComponents: 1,
      mode: '0755',
    });
    expect(argsOf(t.dataDir, c)).toEqual({ path: '/var/lib/etcd', state: 'directory', mode: '0700' });
    expect(argsOf(t.configDir, c)).toEqual({ path: '/etc/etcd', state: 'directory' });
    expect(argsOf(t.key, c)).toEqual({ src: 'kubernetes-key.pem', dest: '/etc/etcd/kubernetes-key.pem', mode: '0600', secret: true });
    expect(argsOf(t.ca, c)).toMatchObject({ src: 'ca.pem', dest: '/etc/etcd/ca.pem', mode: '0644' });
  });

  it("renders the seed's unit for the seed's inventory", () => {
    const a = argsOf(etcdTasks().unit, ctx(1)) as { template: (v: unknown) => string; vars: unknown; dest: string };
    expect(a.dest).toBe('/etc/systemd/system/etcd.service');
    const members = KTHW.map((h) => ({ name: h.name, ip: h.vars.internalIp as string }));
    const seed = etcdUnit({
      name: 'controller-1',
      internalIp: '10.240.0.11',
      members,
      token: 'etcd-cluster-0',
      dataDir: '/var/lib/etcd',
      ...certs,
    });
    expect(a.template(a.vars)).toBe(seed);
  });

  it('cert paths on the host follow the workstation file names; cluster state can be existing', () => {
    const a = argsOf(etcdTasks().unit, ctx(0, { vars: { etcdCertFile: '/pki/etcd.pem', etcdInitialClusterState: 'existing' } })) as {
      template: (v: unknown) => string;
      vars: unknown;
    };
    const text = a.template(a.vars);
    expect(text).toContain('--cert-file=/etc/etcd/etcd.pem');
    expect(text).toContain('--initial-cluster-state existing');
  });

  it('INTERNAL_IP from the GCE metadata probe when the inventory has none', () => {
    const t = etcdTasks();
    const hosts = KTHW.map((h, i) => (i === 1 ? { ...h, vars: {} } : h));
    const results = new Map<Task, TaskOutcome>([
      [t.metadataIp, { status: 'ok', changed: false, data: { code: 0, stdout: '10.240.0.11\n', stderr: '' } }],
    ]);
    const c = ctx(1, { hosts, results });
    expect(t.metadataIp.when?.(c)).toBe(true);
    expect(t.metadataIp.when?.(ctx(1))).toBe(false);
    const a = argsOf(t.unit, c) as { vars: { internalIp: string; members: { ip: string }[] } };
    expect(a.vars.internalIp).toBe('10.240.0.11');
    expect(a.vars.members.map((m) => m.ip)).toEqual(['10.240.0.10', '10.240.0.11', '10.240.0.12']);
    const probe = argsOf(t.metadataIp, c) as {
      argv: string[];
      readOnly: boolean;
      failedWhen: (r: { code: number; stdout: string; stderr: string }) => boolean;
    };
    expect(probe.argv).toContain('Metadata-Flavor: Google');
    expect(probe.readOnly).toBe(true);
    expect(probe.failedWhen({ code: 0, stdout: '<html>404</html>', stderr: '' })).toBe(true);
    expect(probe.failedWhen({ code: 0, stdout: '10.240.0.11', stderr: '' })).toBe(false);
  });

  it('a member without internalIp is a coded error naming the field', () => {
    const hosts = KTHW.map((h, i) => (i === 2 ? { ...h, vars: {} } : h));
    expect(() => argsOf(etcdTasks().unit, ctx(0, { hosts }))).toThrowError(
      expect.objectContaining({ code: 'VARS_INVALID', field: 'internalIp' }),
    );
  });

  it('start etcd: a durable handler of the unit (not of the certs: they roll); also restarts when the etcd binary was replaced', () => {
    const t = etcdTasks();
    expect(t.start.notifiedBy.map((x) => x.name)).toEqual(['etcd.service']);
    expect(argsOf(t.start, ctx(0, { notified: true }))).toEqual({
      name: 'etcd',
      state: 'started',
      enabled: true,
      daemonReload: true,
      restart: true,
    });
    expect(argsOf(t.start, ctx(0))).toMatchObject({ restart: false });
    const installed = (files: string[]) =>
      new Map<Task, TaskOutcome>([[t.install, { status: 'changed', changed: true, data: { dest: '/usr/local/bin', files } }]]);
    expect(argsOf(t.start, ctx(0, { results: installed(['etcd', 'etcdctl']) }))).toMatchObject({ restart: true });
    expect(argsOf(t.start, ctx(0, { results: installed(['etcdctl']) }))).toMatchObject({ restart: false });
  });

  it('start etcd is a barrier: every member runs the safety probe, which asks its peers, before any member starts', () => {
    const t = etcdTasks();
    expect(t.start.barrier).toBe(true);
    expect(Object.values(t).filter((x) => x.barrier)).toEqual([t.start]);
  });

  it('the safety probe asks the other members', () => {
    expect(argsOf(etcdTasks().guard, ctx(2))).toMatchObject({
      self: { name: 'controller-2', ip: '10.240.0.12' },
      peers: [
        { name: 'controller-0', ip: '10.240.0.10' },
        { name: 'controller-1', ip: '10.240.0.11' },
      ],
      clusterState: 'new',
    });
  });

  it('check mode skips the verification when anything it depends on would change', () => {
    const t = etcdTasks();
    const changed = new Map<Task, TaskOutcome>([[t.start, { status: 'changed', changed: true, data: undefined }]]);
    expect(t.memberList.when?.(ctx(0, { check: true, results: changed }))).toBe(false);
    expect(t.memberList.when?.(ctx(0, { check: false, results: changed }))).toBe(true);
    expect(t.health.when?.(ctx(0, { check: true }))).toBe(true);
    expect(argsOf(t.memberList, ctx(0))).toMatchObject({
      check: 'members',
      members: [{ name: 'controller-0' }, { name: 'controller-1' }, { name: 'controller-2' }],
      ...certs,
      retries: 120,
    });
    expect(argsOf(t.health, ctx(0, { check: true }))).toMatchObject({ check: 'health', retries: 0 });
  });

  it('seed path: without internalIp, each member is named by its own hostname -s and addressed by its own metadata answer', () => {
    const t = etcdTasks();
    const bare = KTHW.map((h) => ({ ...h, vars: {} }));
    const out = (stdout: string): TaskOutcome => ({ status: 'ok', changed: false, data: { code: 0, stdout, stderr: '' } });
    const of = (i: number): Results =>
      new Map<Task, TaskOutcome>([
        [t.metadataIp, out(`10.9.0.${i}\n`)],
        [t.hostname, out(`node-${i}\n`)],
      ]);
    const others = new Map(bare.map((h, i) => [h.name, of(i)] as const));
    const c = ctx(1, { hosts: bare, results: of(1), others });
    expect(t.hostname.when?.(c)).toBe(true);
    expect(t.hostname.when?.(ctx(1))).toBe(false);
    expect(t.hostname.when?.(ctx(1, { hosts: bare, vars: { etcdName: 'x' } }))).toBe(false);
    const a = argsOf(t.unit, c) as { vars: { name: string; internalIp: string; members: { name: string; ip: string }[] } };
    expect(a.vars.name).toBe('node-1');
    expect(a.vars.internalIp).toBe('10.9.0.1');
    expect(a.vars.members).toEqual([0, 1, 2].map((i) => ({ name: `node-${i}`, ip: `10.9.0.${i}` })));
    const probe = argsOf(t.hostname, c) as { argv: string[]; readOnly: boolean };
    expect(probe).toMatchObject({ argv: ['hostname', '-s'], readOnly: true });
    // etcdName wins over the hostname, on this host and for the others
    const named = bare.map((h, i) => (i === 2 ? { ...h, vars: { etcdName: 'etcd-two' } } : h));
    const b = argsOf(t.unit, ctx(1, { hosts: named, results: of(1), others })) as { vars: { members: { name: string }[] } };
    expect(b.vars.members.map((m) => m.name)).toEqual(['node-0', 'node-1', 'etcd-two']);
    // another host's metadata answer missing (not in this run): a coded error naming the field
    const partial = new Map([[bare[0]!.name, of(0)]]);
    expect(() => argsOf(t.unit, ctx(1, { hosts: bare, results: of(1), others: partial }))).toThrowError(
      expect.objectContaining({ code: 'VARS_INVALID', field: 'internalIp' }),
    );
  });

  it('restart needed: watches the CA file on the host (etcd reloads cert and key per handshake); predicts from its copy only in check mode', () => {
    const t = etcdTasks();
    const leaf = new Map<Task, TaskOutcome>([
      [t.cert, { status: 'changed', changed: true, data: undefined }],
      [t.key, { status: 'changed', changed: true, data: undefined }],
    ]);
    expect(argsOf(t.restartState, ctx(0, { results: leaf, check: true }))).toMatchObject({ watch: [certs.caFile], pending: false });
    const copied = new Map<Task, TaskOutcome>([[t.ca, { status: 'changed', changed: true, data: undefined }]]);
    expect(argsOf(t.restartState, ctx(0, { results: copied }))).toMatchObject({
      watch: [certs.caFile],
      pending: false,
      restartedAnyway: false,
    });
    expect(argsOf(t.restartState, ctx(0, { results: copied, check: true }))).toMatchObject({ pending: true, restartedAnyway: false });
    const restarts = new Map<Task, TaskOutcome>([
      ...copied,
      [
        t.start,
        { status: 'changed', changed: true, data: { unit: 'etcd.service', actions: ['restart'], active: 'active', enabled: 'enabled' } },
      ],
    ]);
    expect(argsOf(t.restartState, ctx(0, { results: restarts, check: true }))).toMatchObject({ pending: true, restartedAnyway: true });
  });

  it('EtcdVars: defaults, and errors that name the field', () => {
    expect(EtcdVars.parse({})).toMatchObject({
      etcdVersion: '3.4.15',
      etcdClusterToken: 'etcd-cluster-0',
      etcdDataDir: '/var/lib/etcd',
      etcdGroup: 'controllers',
    });
    const r = EtcdVars.safeParse({ internalIp: '10.240.0.999' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['internalIp']);
    expect(EtcdVars.safeParse({ etcdVersion: 'v3.4.15' }).error?.issues[0]?.path).toEqual(['etcdVersion']);
  });

  it("download: the release's etcdChecksums entry, as the upgrade reads it, so a join after an upgrade needs no checksum by hand (issue 28)", () => {
    const A = `sha256:${'a'.repeat(64)}`;
    const B = `sha256:${'b'.repeat(64)}`;
    const checksum = (vars: Record<string, unknown>) => argsOf(etcdTasks().fetch, ctx(0, { vars })).checksum;
    const sums = { etcdChecksum: A, etcdChecksums: { '3.4.23': A, '3.5.16': B } };
    expect(checksum({ ...sums, etcdVersion: '3.5.16' })).toBe(B);
    expect(checksum({ ...sums, etcdVersion: '3.4.23' })).toBe(A);
    // no entry for the release: etcdChecksum, else the release's own SHA256SUMS
    expect(checksum({ ...sums, etcdVersion: '3.5.17' })).toBe(A);
    expect(checksum({ etcdChecksums: { '3.4.23': A }, etcdVersion: '3.5.17', etcdReleaseUrlBase: 'https://10.240.0.1:8443/r' })).toBe(
      'sha256:https://10.240.0.1:8443/r/v3.5.17/SHA256SUMS',
    );
  });

  it("another member's etcdName or internalIp reaches this host's unit only when it passes the same schema", () => {
    const hosts = KTHW.map((h, i) =>
      i === 2 ? { ...h, vars: { internalIp: '10.240.0.12', etcdName: 'controller-2\nExecStartPre=/bin/true' } } : h,
    );
    expect(() => argsOf(etcdTasks().unit, ctx(0, { hosts }))).toThrow(
      expect.objectContaining({ code: 'VARS_INVALID', field: 'etcdName', message: expect.stringContaining('controller-2') }),
    );
    const badIp = KTHW.map((h, i) => (i === 2 ? { ...h, vars: { internalIp: '10.240.0.12 --force-new-cluster' } } : h));
    expect(() => argsOf(etcdTasks().unit, ctx(0, { hosts: badIp }))).toThrow(
      expect.objectContaining({ code: 'VARS_INVALID', field: 'internalIp' }),
    );
  });
});
