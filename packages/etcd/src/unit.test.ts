import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { etcdUnit, initialCluster } from './unit.js';
import { EtcdVars } from './vars.js';

/** The seed (KTHW chapter 07, Japanese), copied verbatim into the package so the test runs anywhere. */
const SEED = new URL('./fixtures/07-bootstrapping-etcd.ja.md', import.meta.url);
/** The mission's original, where this checkout has it beside it. */
const SHARED_SEED = new URL('../../../../shared/seed/07-bootstrapping-etcd.ja.md', import.meta.url);

/** The unit as the seed's `cat <<EOF | sudo tee` would write it: `\\` becomes `\`, variables expanded. */
function seedUnit(vars: Record<string, string>): string {
  const text = readFileSync(SEED, 'utf8');
  const start = text.indexOf('cat <<EOF | sudo tee /etc/systemd/system/etcd.service\n');
  if (start < 0) throw new Error('the seed no longer contains the etcd.service heredoc');
  const body = text.slice(text.indexOf('\n', start) + 1);
  const end = body.indexOf('\nEOF\n');
  if (end < 0) throw new Error('the heredoc in the seed has no EOF line');
  return `${body.slice(0, end)}\n`.replace(/\\\\/g, '\\').replace(/\$\{([A-Z_]+)\}/g, (_m, k: string) => {
    const v = vars[k];
    if (v === undefined) throw new Error(`the seed uses \${${k}} which the test does not set`);
    return v;
  });
}

const members = [
  { name: 'controller-0', ip: '10.240.0.10' },
  { name: 'controller-1', ip: '10.240.0.11' },
  { name: 'controller-2', ip: '10.240.0.12' },
];

const seedInputs = (i: number) => ({
  name: members[i]!.name,
  internalIp: members[i]!.ip,
  members,
  token: 'etcd-cluster-0',
  dataDir: '/var/lib/etcd',
  certFile: '/etc/etcd/kubernetes.pem',
  keyFile: '/etc/etcd/kubernetes-key.pem',
  caFile: '/etc/etcd/ca.pem',
});

describe('etcdUnit', () => {
  it('the fixture is the seed text, unchanged', () => {
    const fixture = readFileSync(SEED, 'utf8');
    expect(fixture).toContain('cat <<EOF | sudo tee /etc/systemd/system/etcd.service');
    if (existsSync(SHARED_SEED)) expect(fixture).toBe(readFileSync(SHARED_SEED, 'utf8'));
  });

  it.each([0, 1, 2])('is byte for byte the seed etcd.service on controller-%i', (i) => {
    const expected = seedUnit({ ETCD_NAME: members[i]!.name, INTERNAL_IP: members[i]!.ip });
    expect(expected).toContain(`--name controller-${i} \\\n`);
    expect(Buffer.from(etcdUnit(seedInputs(i)))).toEqual(Buffer.from(expected));
  });

  it('joins an existing cluster when asked', () => {
    expect(etcdUnit({ ...seedInputs(0), clusterState: 'existing' })).toContain('  --initial-cluster-state existing \\\n');
  });

  it('builds --initial-cluster from the members in order', () => {
    expect(initialCluster(members.slice(0, 2))).toBe('controller-0=https://10.240.0.10:2380,controller-1=https://10.240.0.11:2380');
  });

  it("maintenance vars (issue 28): each adds its flag after the seed's, unset adds none", () => {
    const seed = etcdUnit(seedInputs(0));
    const unit = etcdUnit({ ...seedInputs(0), autoCompactionMode: 'periodic', autoCompactionRetention: '1h', quotaBackendBytes: 33554432 });
    expect(unit).toBe(
      seed.replace(
        '  --data-dir=/var/lib/etcd\n',
        '  --data-dir=/var/lib/etcd \\\n  --auto-compaction-mode=periodic \\\n  --auto-compaction-retention=1h \\\n  --quota-backend-bytes=33554432\n',
      ),
    );
    expect(etcdUnit({ ...seedInputs(0), quotaBackendBytes: 16777216 })).toContain(
      '  --data-dir=/var/lib/etcd \\\n  --quota-backend-bytes=16777216\nRestart=on-failure\n',
    );
    expect(
      etcdUnit({ ...seedInputs(0), autoCompactionMode: undefined, autoCompactionRetention: undefined, quotaBackendBytes: undefined }),
    ).toBe(seed);
  });

  it('revision mode keeps a number of revisions: a duration is VARS_INVALID naming the retention', () => {
    expect(etcdUnit({ ...seedInputs(0), autoCompactionMode: 'revision', autoCompactionRetention: '10000' })).toContain(
      '--auto-compaction-retention=10000',
    );
    expect(() => etcdUnit({ ...seedInputs(0), autoCompactionMode: 'revision', autoCompactionRetention: '30m' })).toThrow(
      expect.objectContaining({ code: 'VARS_INVALID', field: 'etcdAutoCompactionRetention' }),
    );
  });
});

describe('maintenance vars schema', () => {
  const parse = (v: Record<string, unknown>) => EtcdVars.safeParse(v);
  it.each([
    [{ etcdAutoCompactionRetention: 1 }, { etcdAutoCompactionRetention: '1' }],
    [{ etcdAutoCompactionRetention: '1h30m' }, { etcdAutoCompactionRetention: '1h30m' }],
    [{ etcdAutoCompactionRetention: '0' }, { etcdAutoCompactionRetention: '0' }],
    [
      { etcdAutoCompactionMode: 'revision', etcdAutoCompactionRetention: '10000' },
      { etcdAutoCompactionMode: 'revision', etcdAutoCompactionRetention: '10000' },
    ],
    [{ etcdQuotaBackendBytes: '33554432' }, { etcdQuotaBackendBytes: 33554432 }],
    [{ etcdQuotaBackendBytes: 8589934592 }, { etcdQuotaBackendBytes: 8589934592 }],
  ])('accepts %j', (input, out) => {
    const r = parse(input);
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject(out);
  });
  it.each([
    ['etcdAutoCompactionRetention', '1h\nExecStartPre=/bin/true'],
    ['etcdAutoCompactionRetention', '1h --force-new-cluster'],
    ['etcdAutoCompactionRetention', -1],
    ['etcdAutoCompactionRetention', 1.5],
    ['etcdAutoCompactionRetention', '1d'],
    ['etcdAutoCompactionRetention', ''],
    ['etcdAutoCompactionMode', 'hourly'],
    ['etcdQuotaBackendBytes', 1024],
    ['etcdQuotaBackendBytes', 8589934593],
    ['etcdQuotaBackendBytes', '32Mi'],
    ['etcdQuotaBackendBytes', '33554432;id'],
    ['etcdQuotaBackendBytes', 33554432.5],
  ])('refuses %s=%j naming it', (field, value) => {
    const r = parse({ [field]: value });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path[0]).toBe(field);
  });
});
