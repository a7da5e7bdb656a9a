/** Running generated plays on the lab: starting states, fingerprints, and in-process tsplay runs. */
import { readFileSync } from 'node:fs';
import { loadInventory, quote, runPlaybook, type Inventory, type Playbook, type RunEvent, type RunOutcome } from '@tsplay/core';
import { ETCD_TARBALL, ETCD_URL_BASE, ETCD_VERSION, labHostExec, requireLab } from '@tsplay/lab';
import { fingerprintHost, type Fingerprint } from '../helpers/fingerprint.js';
import { batchFingerprintHost } from './fingerprint-batch.js';
import { BASE, CACHE, UNIT_DIR, WANTS_DIR, type FuzzCase, type FuzzPlay, type Tarball } from './model.js';
import type { Outcomes } from './verdict.js';
import { connectHost } from '../helpers/connect.js';

export function labTarball(): Tarball {
  const sums = readFileSync(requireLab().paths.sha256, 'utf8');
  const sha256 = /^([0-9a-f]{64})\s/m.exec(sums)?.[1];
  if (!sha256) throw new Error(`no sha256 in ${requireLab().paths.sha256}`);
  return { url: `${ETCD_URL_BASE}/v${ETCD_VERSION}/${ETCD_TARBALL}`, sha256 };
}

/**
 * Removes every unit and root the fuzzer made on a host (the tarball cache stays unless `all`): all units
 * stopped and disabled in one `systemctl` call (one at a time only if that call fails), then their files.
 * `reload: false` leaves the daemon-reload to the caller (the prepare script reloads once, after its writes).
 */
export function cleanupScript(all = false, reload = true): string {
  return [
    'set --',
    `for f in ${UNIT_DIR}/tsplay-fuzz-p*.service; do if [ -e "$f" ]; then set -- "$@" "\${f##*/}"; fi; done`,
    'if [ $# -gt 0 ]; then',
    '  systemctl disable --now -q "$@" 2>/dev/null || for u; do systemctl disable --now -q "$u" 2>/dev/null || true; done',
    '  systemctl reset-failed "$@" 2>/dev/null || for u; do systemctl reset-failed "$u" 2>/dev/null || true; done',
    `  for u; do rm -f "${UNIT_DIR}/$u"; done`,
    'fi',
    `rm -f ${WANTS_DIR}/tsplay-fuzz-p*.service`,
    ...(reload ? ['systemctl daemon-reload'] : []),
    all ? `rm -rf ${BASE}` : `mkdir -p ${BASE} && find ${BASE} -mindepth 1 -maxdepth 1 -name 'p*' -exec rm -rf {} +`,
  ].join('\n');
}

async function must(host: number, script: string, what: string): Promise<string> {
  const r = await labHostExec(host, script, { become: true });
  if (r.code !== 0) throw new Error(`${what} on host ${host}: exit ${r.code}: ${r.stderr.trim().slice(-2000)}`);
  return r.stdout;
}

/** The units of `cases` that `pick` selects, as one `systemctl VERB` line (nothing when none). */
function unitsLine(verb: string, cases: readonly FuzzCase[], pick: (c: FuzzCase) => boolean): string[] {
  const units = cases.filter(pick).map((c) => quote(c.names.unit));
  return units.length ? [`systemctl ${verb} ${units.join(' ')}`] : [];
}

/**
 * Cleans up, then makes every case's starting state on its host (one script per host, all hosts at once):
 * files, one daemon-reload, one `systemctl enable` and one `systemctl start` of the units that want it, then
 * the unit files edited since.
 */
export async function prepareHosts(plays: readonly FuzzPlay[], hostCount: number, tarball: Tarball): Promise<void> {
  await Promise.all(
    Array.from({ length: hostCount }, (_, h) => {
      const cases = plays.map((p) => p.cases[h]).filter((c) => c !== undefined);
      const script = [
        'set -e',
        cleanupScript(false, false),
        `mkdir -p ${BASE}/.cache; [ -s ${CACHE} ] || curl -fsS --proto =https -o ${CACHE} '${tarball.url}'`,
        ...cases.flatMap((c) => c.setup),
        'systemctl daemon-reload',
        ...unitsLine('enable -q', cases, (c) => c.unitSetup.enable),
        ...unitsLine('start', cases, (c) => c.unitSetup.start),
        ...cases.flatMap((c) => c.unitSetup.stale),
      ].join('\n');
      return must(h, script, 'starting state');
    }),
  );
}

/** One fingerprint per host of every case's objects; `batchFingerprintHost`, or the shared helper's with `perObject`. */
export function fingerprintAll(plays: readonly FuzzPlay[], hostCount: number, perObject = false): Promise<Fingerprint[]> {
  const names = plays.map((p) => p.cases[0]?.names).filter((n) => n !== undefined);
  const spec = { roots: names.map((n) => n.root), paths: names.flatMap((n) => [n.unitFile, n.wantsLink]), units: names.map((n) => n.unit) };
  return Promise.all(Array.from({ length: hostCount }, (_, h) => (perObject ? fingerprintHost(h, spec) : batchFingerprintHost(h, spec))));
}

let inventory: Inventory | undefined;

/** A tsplay run in-process (same engine as the CLI), its task results keyed `host \t play \t task`. */
export async function tsplayRun(
  playbook: Playbook,
  check: boolean,
  stateDir: string,
): Promise<{ outcome: RunOutcome; outcomes: Outcomes; ms: number; taskMs: Map<string, number> }> {
  inventory ??= await loadInventory(requireLab().inventoryFile);
  const outcomes: Outcomes = new Map();
  const t0 = Date.now();
  const taskMs = new Map<string, number>();
  const emit = (e: RunEvent) => {
    if (e.type === 'task.end') taskMs.set(e.task, (taskMs.get(e.task) ?? 0) + e.durationMs);
    if (e.type !== 'task.result') return;
    const error = e.error ? `${e.error.code}: ${e.error.message}` : undefined;
    outcomes.set(`${e.host}\t${e.play}\t${e.task}`, { status: e.status, changed: e.changed, summary: e.summary ?? e.msg, error });
  };
  const r = await runPlaybook({ playbook, inventory, connect: (h) => connectHost(h), emit, check, stateDir, forks: 10 });
  return { outcome: r.outcome, outcomes, ms: Date.now() - t0, taskMs };
}
