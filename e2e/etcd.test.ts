/**
 * Issue 7's "Done when" on the lab: the etcd playbook through the CLI (`--json` NDJSON events), on
 * fresh hosts (check, then run), converged (re-run, --check --detailed-exitcode), after drift, with
 * etcd stopped on one host, and the bootstrap guard with its recovery steps. Figures (times, changed
 * sets) go to $TMPDIR/tsplay-e2e-etcd-figures.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quote, type RunEvent } from '@tsplay/core';
import { parseMemberListJson } from '@tsplay/etcd';
import { ETCD_TARBALL } from '@tsplay/lab';
import { explainDiff, fingerprintHost, type Fingerprint, type FingerprintSpec } from './helpers/fingerprint.js';
import { hostOutput, lab, labHostExec, onAllHosts, waitFor } from './helpers/lab.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'packages/cli/bin/tsplay.js');
const PLAYBOOK = join(ROOT, 'playbooks/etcd.ts');
const FIGURES = join(tmpdir(), 'tsplay-e2e-etcd-figures.json');
const TASKS = [
  'download etcd',
  'install etcd binaries',
  'etcd config dir',
  'etcd data dir',
  'etcd ca cert',
  'etcd cert',
  'etcd key',
  'etcd.service',
  'start etcd',
];

type TaskResult = Extract<RunEvent, { type: 'task.result' }>;
interface CliRun {
  code: number;
  events: RunEvent[];
  results: TaskResult[];
  /** `host › task` of every result reported changed. */
  changed: string[];
  stdout: string;
  stderr: string;
  ms: number;
}

let stateDir: string;
const figures: Record<string, unknown> = {};
const outputs: string[] = [];

function tsplay(...args: string[]): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args, '--json'], {
      cwd: ROOT,
      env: { ...process.env, TSPLAY_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', fail);
    child.once('close', (code) => {
      outputs.push(stdout, stderr);
      const events = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as RunEvent);
      const results = events.filter((e): e is TaskResult => e.type === 'task.result');
      const changed = results
        .filter((r) => r.changed)
        .map((r) => `${r.host} › ${r.task}`)
        .sort();
      done({ code: code ?? -1, events, results, changed, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** The CLI without --json (for `tsplay inventory`), with extra environment. */
function tsplayPlain(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', fail);
    child.once('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const run = (...extra: string[]) => tsplay('run', PLAYBOOK, '-i', lab().inventoryFile, ...extra);
const record = (name: string, r: CliRun) => {
  figures[name] = {
    ms: r.ms,
    exit: r.code,
    changed: r.changed,
    recapMs: (r.events.find((e) => e.type === 'recap') as { durationMs?: number } | undefined)?.durationMs,
  };
  writeFileSync(FIGURES, JSON.stringify(figures, null, 2));
};
const explain = (r: CliRun) =>
  `exit ${r.code}\n${r.results
    .filter((x) => x.status === 'failed')
    .map((x) => `${x.host} › ${x.task}: ${x.error?.code} ${x.msg}`)
    .join('\n')}\n${r.stderr.slice(-2000)}`;
const byHost = (hosts: readonly string[], tasks: readonly string[]) => hosts.flatMap((h) => tasks.map((t) => `${h} › ${t}`)).sort();

const RESET = [
  'systemctl disable --now etcd 2>/dev/null; systemctl reset-failed etcd 2>/dev/null',
  `rm -rf /etc/systemd/system/etcd.service /etc/etcd /var/lib/etcd /usr/local/bin/etcd /usr/local/bin/etcdctl /usr/local/src/${ETCD_TARBALL}`,
  'systemctl daemon-reload',
].join('\n');

/**
 * Every directory the role touches, and the places it must not touch, with ctimes (an independent oracle:
 * `find`/`sha256sum`/`systemctl` over the lab's own ssh, see helpers/fingerprint.ts). /var/lib/etcd is taken
 * to depth 1: below `member/` is etcd's own data, which a running member rewrites all the time.
 */
const FINGERPRINT: FingerprintSpec = {
  roots: ['/usr/local/bin', '/usr/local/src', '/etc/etcd', '/etc/systemd/system', '/opt', '/tmp'],
  shallow: ['/var/lib/etcd'],
  units: ['etcd.service'],
};
/** The fingerprint keys a fresh run changes on a host (directories by their ctime, as entries appear in them). */
const FRESH_RUN_CHANGES = [
  '/etc/etcd',
  '/etc/etcd/ca.pem',
  '/etc/etcd/kubernetes-key.pem',
  '/etc/etcd/kubernetes.pem',
  '/etc/systemd/system',
  '/etc/systemd/system/etcd.service',
  '/etc/systemd/system/multi-user.target.wants',
  '/etc/systemd/system/multi-user.target.wants/etcd.service',
  '/usr/local/bin',
  '/usr/local/bin/etcd',
  '/usr/local/bin/etcdctl',
  '/usr/local/src',
  `/usr/local/src/${ETCD_TARBALL}`,
  '/var/lib/etcd',
  '/var/lib/etcd/member',
  'unit:etcd.service',
].sort();
/**
 * /tmp's own ctime is left out (everything in it counts): every batched fact probe makes and removes a temp
 * file there today, a finding of the fuzzer with its own failing test in fuzz/regressions.test.ts.
 */
const withoutTmpCtime = (fp: Fingerprint): Fingerprint => new Map([...fp].map(([k, v]) => [k, k === '/tmp' ? v.replace(/ c\S+/, '') : v]));
const fingerprints = async () => (await Promise.all(lab().hosts.map((h) => fingerprintHost(h.index, FINGERPRINT)))).map(withoutTmpCtime);
/** Host by host, what differs between two sets of fingerprints (empty when identical). */
const differences = (a: Fingerprint[], b: Fingerprint[]) => a.map((fa, i) => explainDiff(fa, b[i] ?? new Map())).filter((d) => d !== '');

const ETCDCTL =
  'ETCDCTL_API=3 /usr/local/bin/etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.pem --cert=/etc/etcd/kubernetes.pem --key=/etc/etcd/kubernetes-key.pem';
async function membersSeenFrom(host: number) {
  return parseMemberListJson(await hostOutput(host, `${ETCDCTL} member list -w json`, { become: true })).members;
}
async function expectHealthyCluster(): Promise<void> {
  const names = lab().hosts.map((h) => h.name);
  for (const h of lab().hosts) {
    const members = await membersSeenFrom(h.index);
    expect(members.map((m) => [m.name, m.status, m.peerUrls, m.clientUrls]).sort()).toEqual(
      lab()
        .hosts.map((x) => [x.name, 'started', [`https://${x.address}:2380`], [`https://${x.address}:2379`]])
        .sort(),
    );
    expect(await hostOutput(h.index, `${ETCDCTL} endpoint health -w json`, { become: true })).toContain('"health":true');
  }
  expect(names).toHaveLength(3);
}
/** The realtime clock's microseconds of a journal entry read as JSON on stdin (`pick`: `head` or `tail`). */
const usecOf = (pick: string) => `${pick} -n 1 | sed -n 's/.*"__REALTIME_TIMESTAMP":"\\([0-9]*\\)".*/\\1/p'`;
/**
 * A `curl` ahead of the real one on root's PATH (sudo's secure_path starts with /usr/local/sbin) that notes, in
 * microseconds of the realtime clock, each call that asks for a member list with a connect timeout (the
 * bootstrap safety probe asks its peers so; the verification asks its own member without one), then runs
 * /usr/bin/curl with the same arguments and stdin. The host's own record of when the probe ran: sudo no longer
 * logs the scripts (they go on stdin).
 */
const CURL_SHIM = '/usr/local/sbin/curl';
const GUARD_LOG = '/run/tsplay-e2e-guard-calls';
const shimScript = [
  '#!/bin/sh',
  `case " $* " in *" --connect-timeout "*/v3/cluster/member/list*) date +%s%6N >> ${GUARD_LOG};; esac`,
  'exec /usr/bin/curl "$@"',
].join('\n');
const installShim = () =>
  onAllHosts(`rm -f ${GUARD_LOG} && printf '%s\\n' ${quote(shimScript)} > ${CURL_SHIM} && chmod 0755 ${CURL_SHIM}`, { become: true });
const removeShim = (log = '') => onAllHosts(`rm -f ${CURL_SHIM} ${log}`, { become: true });
/**
 * When each member last ran its bootstrap safety probe (the shim's record) and when its etcd start job began
 * since `since` (unix seconds: systemd's entry for the unit), in microseconds: the hosts share the machine's clock.
 */
async function guardAndStartTimes(since: number): Promise<{ host: string; guard: number; start: number }[]> {
  const start = `journalctl -u etcd.service -o json --since @${since} | ${usecOf('head')}`;
  return Promise.all(
    lab().hosts.map(async (h) => ({
      host: h.name,
      guard: Number(await hostOutput(h.index, `tail -n 1 ${GUARD_LOG}`, { become: true })),
      start: Number(await hostOutput(h.index, start, { become: true })),
    })),
  );
}
/** The verification tasks passed on every host. */
function expectVerified(r: CliRun): void {
  for (const task of ['etcd member list', 'etcd endpoint health']) {
    const rs = r.results.filter((x) => x.task === task);
    expect(rs.map((x) => [x.host, x.status]).sort()).toEqual(
      lab()
        .hosts.map((h) => [h.name, 'ok'])
        .sort(),
    );
  }
  for (const x of r.results.filter((y) => y.task === 'etcd member list')) expect(x.stdout).toBe('3 members started');
}

beforeAll(async () => {
  for (const f of [
    CLI,
    join(ROOT, 'packages/cli/dist/index.js'),
    join(ROOT, 'packages/etcd/dist/index.js'),
    join(ROOT, 'packages/modules/dist/index.js'),
  ]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`pnpm build\` before the e2e tests (the CLI runs from dist)`);
  }
  lab();
  stateDir = mkdtempSync(join(tmpdir(), 'tsplay-e2e-etcd-state-'));
  await onAllHosts(RESET, { become: true });
});

afterAll(async () => {
  await removeShim(GUARD_LOG).catch(() => undefined);
  await onAllHosts(RESET, { become: true }).catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('playbooks/etcd.ts on the lab', () => {
  let predicted: string[] = [];
  const hosts = () => lab().hosts.map((h) => h.name);

  it('1. fresh hosts: --check predicts every step on every host and changes nothing', async () => {
    const before = await fingerprints();
    const r = await run('--check');
    record('fresh check', r);
    expect(r.code, explain(r)).toBe(0);
    predicted = r.changed;
    expect(predicted).toEqual(byHost(hosts(), TASKS));
    // the verification cannot run before the cluster exists: skipped, not failed
    expect(r.results.filter((x) => x.task === 'etcd member list').map((x) => x.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(differences(before, await fingerprints())).toEqual([]);
    expect((await run('--check', '--detailed-exitcode')).code).toBe(3);
  });

  it('2. the real run converges; verification: 3 members started and healthy; changed == predicted', async () => {
    const before = await fingerprints();
    const since = Math.floor(Date.now() / 1000);
    await installShim();
    const r = await run().finally(() => removeShim());
    record('fresh run', r);
    expect(r.code, explain(r)).toBe(0);
    expect(r.changed).toEqual(predicted);
    expectVerified(r);
    await expectHealthyCluster();
    // start etcd is a barrier: every member asked its peers (bootstrap safety) before any member's etcd started
    const times = await guardAndStartTimes(since);
    for (const t of times) expect([t.host, t.guard > 0, t.start > 0]).toEqual([t.host, true, true]);
    expect(Math.max(...times.map((t) => t.guard))).toBeLessThan(Math.min(...times.map((t) => t.start)));
    expect(
      await hostOutput(0, 'stat -c %a /var/lib/etcd /etc/etcd/kubernetes-key.pem /etc/etcd/ca.pem /usr/local/bin/etcd', { become: true }),
    ).toBe('700\n600\n644\n755\n');
    // what changed on each host is exactly what the role makes: nothing in /opt or /tmp, no other unit or binary
    const after = await fingerprints();
    const changedKeys = before.map((b, i) =>
      [...new Set([...b.keys(), ...(after[i] ?? new Map()).keys()])].filter((k) => b.get(k) !== after[i]?.get(k)).sort(),
    );
    for (const keys of changedKeys) expect(keys).toEqual(FRESH_RUN_CHANGES);
  });

  it('3. an immediate re-run changes nothing; --check --detailed-exitcode exits 0', async () => {
    const r = await run();
    record('re-run', r);
    expect(r.code, explain(r)).toBe(0);
    expect(r.changed).toEqual([]);
    expectVerified(r);
    const c = await run('--check', '--detailed-exitcode');
    record('converged check', c);
    expect(c.code, explain(c)).toBe(0);
    expect(c.changed).toEqual([]);
    // on a converged cluster, check mode runs the (read-only) verification too
    expectVerified(c);
  });

  it('4. drift on each host: --check predicts exactly the repairs (and the restart); the run makes them', async () => {
    const [h0, h1, h2] = hosts() as [string, string, string];
    await hostOutput(
      0,
      "sed -i 's/^RestartSec=5$/RestartSec=7/' /etc/systemd/system/etcd.service && grep -q RestartSec=7 /etc/systemd/system/etcd.service",
      { become: true },
    );
    await hostOutput(1, 'rm /usr/local/bin/etcdctl', { become: true });
    await hostOutput(2, 'chmod 755 /var/lib/etcd', { become: true });
    const expected = [`${h0} › etcd.service`, `${h0} › start etcd`, `${h1} › install etcd binaries`, `${h2} › etcd data dir`].sort();
    const before = await fingerprints();
    const c = await run('--check');
    record('drift check', c);
    expect(c.code, explain(c)).toBe(0);
    expect(c.changed).toEqual(expected);
    expect(differences(before, await fingerprints())).toEqual([]);
    const pid0 = await hostOutput(0, 'systemctl show -p MainPID --value etcd', { become: true });
    const r = await run();
    record('drift run', r);
    expect(r.code, explain(r)).toBe(0);
    expect(r.changed).toEqual(expected);
    expect(await hostOutput(0, 'systemctl show -p MainPID --value etcd', { become: true })).not.toBe(pid0);
    expectVerified(r);
    await expectHealthyCluster();
    expect((await run()).changed).toEqual([]);
  });

  it('5. etcd stopped on one host: the run starts it again and verification passes', async () => {
    await hostOutput(1, 'systemctl stop etcd', { become: true });
    const r = await run();
    record('stopped etcd run', r);
    expect(r.code, explain(r)).toBe(0);
    expect(r.changed).toEqual([`${hosts()[1]} › start etcd`]);
    expectVerified(r);
    await expectHealthyCluster();
  });

  it('6. a member that lost its data is not re-bootstrapped into the running cluster; the recovery steps work', async () => {
    const h2 = hosts()[2] as string;
    await hostOutput(2, 'systemctl stop etcd && rm -rf /var/lib/etcd/member', { become: true });
    const r = await run();
    record('lost data dir run', r);
    expect(r.code).toBe(2);
    const guard = r.results.find((x) => x.host === h2 && x.task === 'etcd bootstrap safety');
    expect(guard?.error?.code).toBe('UNSAFE_BOOTSTRAP');
    expect(guard?.error?.hint).toContain('member remove');
    expect(r.results.some((x) => x.host === h2 && x.task === 'start etcd')).toBe(false);
    expect((await labHostExec(2, 'systemctl is-active etcd', { become: true })).stdout.trim()).not.toBe('active');

    // the hint's steps: member remove + member add on a healthy member, then --initial-cluster-state existing
    const id = (await membersSeenFrom(0)).find((m) => m.name === h2)?.id;
    expect(id).toBeDefined();
    await hostOutput(0, `${ETCDCTL} member remove ${id}`, { become: true });
    // etcd refuses `member add` ("unhealthy cluster") until the leader has seen a quorum for a few seconds
    await waitFor(
      'etcdctl member add',
      async () =>
        (await labHostExec(0, `${ETCDCTL} member add ${h2} --peer-urls=https://${lab().hosts[2]!.address}:2380`, { become: true })).code ===
        0
          ? true
          : undefined,
      {
        timeoutMs: 30_000,
        intervalMs: 1_000,
      },
    );
    const rejoin = await run('--limit', h2, '-e', 'etcdInitialClusterState=existing');
    record('rejoin run', rejoin);
    expect(rejoin.code, explain(rejoin)).toBe(0);
    expect(rejoin.changed).toEqual([`${h2} › etcd.service`, `${h2} › start etcd`]);
    const back = await run();
    record('after rejoin run', back);
    expect(back.code, explain(back)).toBe(0);
    expect(back.changed).toEqual([`${h2} › etcd.service`, `${h2} › start etcd`]);
    expectVerified(back);
    await expectHealthyCluster();
  });

  it('7. fresh hosts one at a time (--forks 1): etcd waits for quorum, the start does not deadlock', async () => {
    await onAllHosts(RESET, { become: true });
    const r = await run('--forks', '1');
    record('fresh run --forks 1', r);
    expect(r.code, explain(r)).toBe(0);
    expect(r.changed).toEqual(byHost(hosts(), TASKS));
    // the first member cannot be ready before a second one runs: the start stops waiting after the notify grace
    const log = r.events.filter((e) => e.type === 'log' && e.host === hosts()[0] && e.task === 'start etcd');
    expect(log.map((e) => (e as { message: string }).message).join('\n')).toMatch(/has not reported ready/);
    expectVerified(r);
    await expectHealthyCluster();
  });

  it('the key is secret: its content appears in no output of any run', () => {
    expect(outputs.length).toBeGreaterThan(10);
    const keyLines = readFileSync(lab().paths.key, 'utf8')
      .split('\n')
      .filter((l) => l.length > 20 && !l.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(0);
    const all = outputs.join('\n');
    for (const l of keyLines) expect(all.includes(l)).toBe(false);
  });
});

describe('inventories/gcp through the CLI (loaded only: no connection is ever opened to these hosts)', () => {
  type Listed = {
    groups: Record<string, string[]>;
    hosts: Record<string, { address: string; user?: string; privateKeyPath?: string; vars: Record<string, unknown> }>;
  };
  const list = async (env: Record<string, string> = {}) => {
    const r = await tsplayPlain(['inventory', '-i', 'inventories/gcp', '--list'], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Listed;
  };

  it('without gcloud or recorded JSON, the placeholder addresses never reach a connection: a coded error says what to do', async () => {
    const r = await tsplayPlain(['inventory', '-i', 'inventories/gcp', '--list'], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[GCP_ADDRESSES_UNKNOWN\]/);
    expect(r.stderr).toContain('TSPLAY_GCLOUD_JSON');
  });

  it('the dynamic form from recorded gcloud JSON gives the 3 controllers with external IPs, internal IPs and gcloud host-key aliases', async () => {
    const inv = await list({ TSPLAY_GCLOUD_JSON: join(ROOT, 'inventories/gcp/fixtures/instances.json') });
    expect(inv.groups.controllers).toEqual(['controller-0', 'controller-1', 'controller-2']);
    const hosts = Object.entries(inv.hosts) as [string, Listed['hosts'][string] & { hostKeyAlias?: string; knownHosts?: string[] }][];
    expect(hosts.map(([n, h]) => [n, h.address, h.vars.internalIp])).toEqual([
      ['controller-0', '203.0.113.10', '10.240.0.10'],
      ['controller-1', '203.0.113.11', '10.240.0.11'],
      ['controller-2', '203.0.113.12', '10.240.0.12'],
    ]);
    for (const [, h] of hosts) {
      expect(h.hostKeyAlias).toMatch(/^compute\.\d+$/);
      expect(h.knownHosts?.[0]).toMatch(/google_compute_known_hosts$/);
      expect(h.privateKeyPath).toMatch(/google_compute_engine$/);
    }
    expect(new Set(hosts.map(([, h]) => h.hostKeyAlias)).size).toBe(3);
  });
});
