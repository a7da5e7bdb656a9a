/**
 * The systemd module on real systemd (the lab's nspawn hosts): fresh apply, second apply, check mode,
 * restart on notification, coded failures, and a Type=notify service that is only ready when all 3
 * members run, started one host at a time (--forks 1) without deadlock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  definePlaybook,
  loadInventory,
  runPlaybook,
  type Connection,
  type Inventory,
  type ResolvedHost,
  type RunEvent,
} from '@tsplay/core';
import { executeModule, Overlay } from '@tsplay/core/module';
import { systemd, systemdService, type SystemdResult } from '@tsplay/modules';
import { hostOutput, lab, onAllHosts, waitFor } from './helpers/lab.js';
import { connectHost } from './helpers/connect.js';

const UNIT = 'tsplay-e2e-sleep';
const QUORUM = 'tsplay-e2e-quorum';
const FAILING = 'tsplay-e2e-false';

const unitFile = (name: string, body: string) => `cat > /etc/systemd/system/${name}.service <<'EOF'\n${body}\nEOF\n`;
const removeUnits = (...names: string[]) =>
  names
    .map((n) => `systemctl disable --now ${n} 2>/dev/null; systemctl reset-failed ${n} 2>/dev/null; rm -f /etc/systemd/system/${n}.service`)
    .join('\n') + '\nsystemctl daemon-reload';

/** What a run could have changed about a unit: systemd's view and the files. */
const fingerprint = (name: string) =>
  hostOutput(
    0,
    `systemctl show ${name} -p LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,MainPID; ls -l --time-style=+%s.%N /etc/systemd/system/${name}.service /etc/systemd/system/multi-user.target.wants/ 2>&1`,
    { become: true },
  );

/** A service that is ready only when the same service answers on all three lab hosts. */
const QUORUM_PY = `#!/usr/bin/python3
import http.server, os, socket, sys, threading, time, urllib.request
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b'ok')
    def log_message(self, *a): pass
srv = http.server.ThreadingHTTPServer(('0.0.0.0', 7777), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
for peer in sys.argv[1:]:
    while True:
        try:
            urllib.request.urlopen('http://%s:7777/' % peer, timeout=1).read(); break
        except Exception:
            time.sleep(0.2)
addr = os.environ['NOTIFY_SOCKET']
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b'READY=1', '\\0' + addr[1:] if addr.startswith('@') else addr)
threading.Event().wait()
`;

let inv: Inventory;
let conn: Connection;

beforeAll(async () => {
  const l = lab();
  inv = await loadInventory(l.inventoryFile);
  conn = await connectHost(inv.hosts[0] as ResolvedHost);
  await onAllHosts(removeUnits(UNIT, QUORUM, FAILING), { become: true });
});

afterAll(async () => {
  await onAllHosts(removeUnits(UNIT, QUORUM, FAILING) + '\nrm -f /usr/local/bin/tsplay-e2e-quorum.py', { become: true }).catch(
    () => undefined,
  );
  await conn?.close();
});

const run = (args: Record<string, unknown>, opts: { check?: boolean; overlay?: Overlay } = {}) =>
  executeModule<SystemdResult>(conn, systemd, args, { become: true, task: 'systemd e2e', ...opts });

describe('systemd module on a lab host', () => {
  it('check predicts and mutates nothing; apply changes; second apply and plan are unchanged', async () => {
    await hostOutput(0, unitFile(UNIT, '[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target'), {
      become: true,
    });
    const args = { name: UNIT, state: 'started', enabled: true, daemonReload: true };
    const before = await fingerprint(UNIT);
    const check = await run(args, { check: true });
    expect(check.error).toBeUndefined();
    expect(check.outcome.changed).toBe(true);
    expect(check.outcome.data?.actions).toEqual(['enable', 'start']);
    expect(check.diff?.[0]?.after).toContain('active: active');
    expect(await fingerprint(UNIT)).toBe(before);

    const first = await run(args);
    expect(first.error).toBeUndefined();
    expect(first.outcome).toMatchObject({
      status: 'changed',
      changed: true,
      data: { active: 'active', enabled: 'enabled', actions: ['enable', 'start'] },
    });
    expect(await hostOutput(0, `systemctl is-active ${UNIT}; systemctl is-enabled ${UNIT}`, { become: true })).toBe('active\nenabled\n');

    const second = await run(args);
    expect(second.outcome).toMatchObject({ status: 'ok', changed: false });
    const plan = await run(args, { check: true });
    expect(plan.outcome.changed).toBe(false);
  });

  it('restarts when notified (a new main PID) and reloads only for a unit file systemd holds stale', async () => {
    const pid = async () => (await hostOutput(0, `systemctl show -p MainPID --value ${UNIT}`, { become: true })).trim();
    const pid0 = await pid();
    const r = await run({ name: UNIT, state: 'started', restart: true });
    expect(r.outcome.data?.actions).toEqual(['restart']);
    expect(await pid()).not.toBe(pid0);
    // a running unit whose file changed: NeedDaemonReload=yes, so daemon-reload is a change
    await hostOutput(0, `sed -i 's/sleep infinity/sleep 99999/' /etc/systemd/system/${UNIT}.service`, { become: true });
    const reload = await run({ name: UNIT, state: 'started', daemonReload: true });
    expect(reload.outcome.data?.actions).toEqual(['daemon-reload']);
    expect((await run({ name: UNIT, state: 'started', daemonReload: true })).outcome.changed).toBe(false);
  });

  it('check mode plans against a unit file an earlier task would write (overlay) instead of failing', async () => {
    const overlay = new Overlay();
    overlay.record({ paths: { [`/etc/systemd/system/${FAILING}.service`]: { exists: true, type: 'file', mode: 0o644 } } });
    const r = await run({ name: FAILING, state: 'started', enabled: true, daemonReload: true }, { check: true, overlay });
    expect(r.error).toBeUndefined();
    expect(r.outcome.data?.actions).toEqual(['enable', 'start']);
    expect(overlay.unit(`${FAILING}.service`)).toMatchObject({ active: 'active', enabled: 'enabled' });
    // without the overlay the unit is missing: a coded error naming the field
    const missing = await run({ name: FAILING, state: 'started' }, { check: true });
    expect(missing.error).toMatchObject({ code: 'SERVICE_FAILED', field: 'name' });
  });

  it('a service that fails to start: SERVICE_FAILED with the journal tail and a hint', async () => {
    await hostOutput(0, unitFile(FAILING, '[Service]\nExecStart=/bin/sh -c "echo tsplay-e2e-boom >&2; exit 3"'), { become: true });
    const r = await run({ name: FAILING, state: 'started' });
    expect(r.error?.code).toBe('SERVICE_FAILED');
    expect(r.error?.message).toContain('did not become active: it failed');
    expect(r.error?.message).toContain('tsplay-e2e-boom');
    expect(r.error?.hint).toContain(`journalctl -u ${FAILING}.service`);
  });

  it('a Type=notify service that crashes with Restart=on-failure (like etcd): failed at the first crash, not at the timeout', async () => {
    await hostOutput(
      0,
      unitFile(
        FAILING,
        '[Service]\nType=notify\nExecStart=/bin/sh -c "echo tsplay-e2e-crash >&2; sleep 0.3; exit 1"\nRestart=on-failure\nRestartSec=5',
      ) + 'systemctl daemon-reload',
      { become: true },
    );
    const t0 = Date.now();
    const r = await run({ name: FAILING, state: 'started' });
    expect(r.error?.code).toBe('SERVICE_FAILED');
    expect(r.error?.message).toMatch(/its process exited \(result: exit-code\) and systemd is about to restart it/);
    expect(r.error?.message).toContain('tsplay-e2e-crash');
    // generous: the crash is seen in ~0.5 s; waiting for the timeout would take 90 s (waitTimeoutMs default)
    expect(Date.now() - t0).toBeLessThan(45_000);
  });

  it('a unit that does not come up in time: SERVICE_TIMEOUT after waitTimeoutMs', async () => {
    await hostOutput(
      0,
      unitFile(FAILING, '[Service]\nExecStartPre=/bin/sleep 60\nExecStart=/bin/sleep infinity') + 'systemctl daemon-reload',
      { become: true },
    );
    const t0 = Date.now();
    const r = await run({ name: FAILING, state: 'started', waitTimeoutMs: 1_500 });
    expect(r.error?.code).toBe('SERVICE_TIMEOUT');
    expect(r.error?.message).toMatch(/still activating\/start-pre after \d+ s/);
    // generous: the timeout is 1.5 s; ExecStartPre alone would take 60 s
    expect(Date.now() - t0).toBeLessThan(45_000);
    await hostOutput(0, `systemctl stop ${FAILING}`, { become: true });
  });

  it('stops and disables', async () => {
    const r = await run({ name: UNIT, state: 'stopped', enabled: false });
    expect(r.outcome.data?.actions).toEqual(['disable', 'stop']);
    expect(await hostOutput(0, `systemctl is-active ${UNIT}; systemctl is-enabled ${UNIT}; true`, { become: true })).toBe(
      'inactive\ndisabled\n',
    );
    expect((await run({ name: UNIT, state: 'stopped', enabled: false })).outcome.changed).toBe(false);
  });

  it('bad args: ARGS_INVALID naming the field', async () => {
    const r = await run({ name: UNIT, state: 'running' });
    expect(r.error).toMatchObject({ code: 'ARGS_INVALID', field: 'state' });
  });
});

describe('a Type=notify service that is ready only with all 3 members', () => {
  it('starts on 3 hosts with --forks 1 without deadlock, then converges', async () => {
    const l = lab();
    const peers = l.hosts.map((h) => h.address).join(' ');
    await onAllHosts(
      `cat > /usr/local/bin/tsplay-e2e-quorum.py <<'EOF'\n${QUORUM_PY}EOF\nchmod 755 /usr/local/bin/tsplay-e2e-quorum.py\n` +
        unitFile(
          QUORUM,
          `[Service]\nType=notify\nExecStart=/usr/local/bin/tsplay-e2e-quorum.py ${peers}\n[Install]\nWantedBy=multi-user.target`,
        ),
      { become: true },
    );
    const start = systemdService({ name: QUORUM, state: 'started', enabled: true, daemonReload: true }, { name: 'start quorum service' });
    const playbook = definePlaybook({
      name: 'systemd-quorum-e2e',
      plays: [{ name: 'quorum', hosts: 'controllers', become: true, tasks: [start] }],
    });
    const runOnce = async () => {
      const events: RunEvent[] = [];
      const t0 = Date.now();
      const summary = await runPlaybook({
        playbook,
        inventory: inv,
        connect: (h) => connectHost(h),
        emit: (e) => events.push(e),
        forks: 1,
      });
      return { summary, events, ms: Date.now() - t0 };
    };

    const first = await runOnce();
    const results = first.events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result');
    expect(results.map((e) => [e.host, e.status])).toEqual(l.hosts.map((h) => [h.name, 'changed']));
    expect(first.summary.outcome).toBe('changed');
    // one host at a time: the first two stop waiting after the notify grace (5 s), the last one is ready at once
    // generous: ~10 s expected; a start that blocked until quorum would take systemd's 90 s start timeout per host
    expect(first.ms).toBeLessThan(80_000);
    const data = (host: string) => first.summary.resultOf(host, start)?.data as SystemdResult | undefined;
    expect(data(l.hosts[0]!.name)?.note).toMatch(/has not reported ready/);
    expect(data(l.hosts[2]!.name)).toMatchObject({ active: 'active', note: undefined });
    await waitFor(
      'all 3 members active',
      async () => {
        const states = await onAllHosts(`systemctl is-active ${QUORUM}`, { become: true });
        return states.every((s) => s.stdout.trim() === 'active') ? true : undefined;
      },
      { timeoutMs: 20_000 },
    );

    const second = await runOnce();
    expect(second.summary.outcome).toBe('ok');
    expect(Object.values(second.summary.recap).map((r) => r.changed)).toEqual([0, 0, 0]);
  });
});
