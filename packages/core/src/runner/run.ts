import type { Connection } from '../connection.js';
import { TsplayError, toTsplayError } from '../errors.js';
import { executeModule, parseArgs } from '../execute.js';
import { FactCache } from '../gather.js';
import { prefetchFacts } from './prefetch.js';
import type { Inventory, ResolvedHost } from '../inventory/schema.js';
import { selectHosts } from '../inventory/select.js';
import { Overlay } from '../overlay.js';
import type { Play, Playbook, Task, TaskOutcome } from '../playbook.js';
import { redact, redactValue } from '../secret.js';
import { makeContext, type HostResults } from './context.js';
import type { ErrorInfo, EventSink, HostRecap } from './events.js';
import { mapLimit } from './pool.js';
import { taskSelected } from './select-tasks.js';
import { NotificationStore } from './state.js';
import { validateVars } from './vars.js';
import { SigCache } from '../sigcache.js';
import { join } from 'node:path';

export interface RunOptions {
  playbook: Playbook;
  inventory: Inventory;
  connect: (host: ResolvedHost) => Promise<Connection>;
  emit: EventSink;
  check?: boolean;
  diff?: boolean;
  limit?: string | undefined;
  tags?: readonly string[] | undefined;
  skipTags?: readonly string[] | undefined;
  forks?: number;
  anyErrorsFatal?: boolean;
  detailedExitcode?: boolean;
  signal?: AbortSignal | undefined;
  /** Where durable notifications are kept (workstation side). */
  stateDir?: string | undefined;
  baseDir?: string;
  /** The playbook's file, named in argument errors. */
  playbookFile?: string | undefined;
  /** Start at the first task of this name (`--start-at-task`); earlier tasks are not run. */
  startAtTask?: string | undefined;
  /** `--step`: asked before each task; 'no' skips it, 'continue' stops asking. */
  step?: StepPrompt | undefined;
}

export type StepAnswer = 'yes' | 'no' | 'continue';
export type StepPrompt = (t: { play: string; task: string; id: string }) => Promise<StepAnswer>;
export type ListWhat = 'hosts' | 'tasks' | 'tags';

/** `--list-hosts`, `--list-tasks`, `--list-tags`: the text to print; contacts no host. */
export function listRun(opts: Omit<RunOptions, 'connect' | 'emit'>, what: ListWhat): string {
  const { selected } = preflight({ ...opts, connect: () => Promise.reject(new Error('no connection')), emit: () => undefined });
  const lines: string[] = [`playbook: ${opts.playbook.name}`];
  for (const play of opts.playbook.plays) {
    const hosts = selectHosts(opts.inventory, play.hosts).filter((h) => selected.some((s) => s.name === h.name));
    lines.push(`  play: ${play.name}`);
    if (what === 'hosts') lines.push(`    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h.name}`));
    const tasks = play.tasks.filter((t) => taskSelected(t, opts.tags, opts.skipTags));
    if (what === 'tasks') lines.push('    tasks:', ...tasks.map((t) => `      ${t.name}${t.tags.length ? `  tags: [${t.tags.join(', ')}]` : ''}`));
    if (what === 'tags') lines.push(`    tags: [${[...new Set(tasks.flatMap((t) => t.tags))].sort().join(', ')}]`);
  }
  return lines.join('\n');
}

export interface RunSummary {
  exitCode: number;
  recap: Record<string, HostRecap>;
  results: Map<string, HostResults>;
  interrupted: boolean;
}

export function errorInfo(e: TsplayError): ErrorInfo {
  return redactValue({ code: e.code, message: e.message, host: e.host, task: e.task, field: e.field, hint: e.hint }) as ErrorInfo;
}

/** Everything that can be checked before any host is contacted: selection and per-host vars. */
export function preflight(opts: RunOptions): { selected: ResolvedHost[]; vars: Map<string, unknown> } {
  const inv = opts.inventory;
  const file = opts.playbookFile;
  validateStaticArgs(opts.playbook, file);
  if (opts.limit !== undefined && opts.limit.split(/[:,]/).every((p) => p.trim() === ''))
    throw new TsplayError('USAGE', '--limit is empty: it would select no host', { field: '--limit', hint: 'give host or group names (--limit controller-0:controller-1), or leave --limit out for all hosts' });
  const selected = opts.limit !== undefined ? selectHosts(inv, opts.limit, { strict: true, flag: '--limit' }) : inv.hosts;
  const inPlays = new Set<string>();
  opts.playbook.plays.forEach((play, i) => {
    for (const h of selectHosts(inv, play.hosts, { strict: true, flag: `plays.${i}.hosts`, file })) inPlays.add(h.name);
  });
  const hosts = selected.filter((h) => inPlays.has(h.name));
  const vars = new Map<string, unknown>();
  for (const h of hosts) vars.set(h.name, validateVars(opts.playbook, h, inv.source));
  validateHostArgs(opts, hosts, vars);
  return { selected: hosts, vars };
}

/**
 * Args computed from the host and its vars are validated per host before any connection. A function
 * that looks at earlier results (`ctx.result`, `ctx.changed`, `ctx.notified`) or throws is left for run time.
 */
function validateHostArgs(opts: RunOptions, hosts: readonly ResolvedHost[], vars: Map<string, unknown>): void {
  for (const play of opts.playbook.plays) {
    const playHosts = new Set(selectHosts(opts.inventory, play.hosts).map((h) => h.name));
    for (const t of play.tasks) {
      const argsFn = t.args;
      if (typeof argsFn !== 'function' || !taskSelected(t, opts.tags, opts.skipTags)) continue;
      for (const h of hosts) {
        if (!playHosts.has(h.name)) continue;
        let dynamic = false;
        const base = makeContext(opts.inventory, h, vars.get(h.name), new Map(), opts.check ?? false, false);
        const ctx = {
          ...base,
          result: () => ((dynamic = true), undefined),
          changed: () => ((dynamic = true), false),
          get notified() {
            dynamic = true;
            return false;
          },
        };
        let raw: unknown;
        try {
          if (t.when && !t.when(ctx)) continue;
          raw = argsFn(ctx);
        } catch {
          continue;
        }
        if (!dynamic) parseArgs(t.module, raw, { host: h.name, task: `${play.name} › ${t.name}`, ...(opts.playbookFile ? { file: opts.playbookFile } : {}) });
      }
    }
  }
}

/** Tasks whose args are plain data are validated at load, before any host is contacted. */
export function validateStaticArgs(playbook: Playbook, file?: string): void {
  for (const play of playbook.plays)
    for (const t of play.tasks) if (typeof t.args !== 'function') parseArgs(t.module, t.args, { task: `${play.name} › ${t.name}`, ...(file ? { file } : {}) });
}

/** The linear strategy: each task on all hosts of the play (bounded by forks), then the next task. */
export async function runPlaybook(opts: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const check = opts.check ?? false;
  const forks = opts.forks ?? 10;
  const { selected, vars } = preflight(opts);
  const store = new NotificationStore(check ? undefined : opts.stateDir, opts.playbook.name);
  const readStore = new NotificationStore(opts.stateDir, opts.playbook.name);
  const recap: Record<string, HostRecap> = {};
  const results = new Map<string, HostResults>();
  const overlays = new Map<string, Overlay>();
  const caches = new Map<string, FactCache>();
  const sigCaches = new Map<string, SigCache>();
  const dead = new Set<string>();
  const failedHosts = new Set<string>();
  for (const h of selected) {
    recap[h.name] = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, unknown: 0, durationMs: 0 };
    results.set(h.name, new Map());
    overlays.set(h.name, new Overlay());
    caches.set(h.name, new FactCache());
    sigCaches.set(h.name, new SigCache(opts.stateDir ? join(opts.stateDir, 'sig', `${h.name}@${h.address}_${h.port ?? 22}.json`.replace(/[^A-Za-z0-9_.@-]/g, '_')) : undefined));
  }
  opts.emit({ type: 'run.start', playbook: opts.playbook.name, check, hosts: selected.map((h) => h.name), time: new Date(started).toISOString() });

  // Open every connection at once, as soon as the inventory is known.
  const conns = new Map<string, Promise<Connection | undefined>>();
  for (const h of selected) {
    const t0 = Date.now();
    conns.set(
      h.name,
      opts.connect(h).then(
        (c) => {
          opts.emit({ type: 'connect', host: h.name, ok: true, durationMs: Date.now() - t0 });
          return c;
        },
        (e: unknown) => {
          const err = toTsplayError(e, 'UNREACHABLE').withContext({ host: h.name });
          opts.emit({ type: 'connect', host: h.name, ok: false, durationMs: Date.now() - t0, error: errorInfo(err) });
          markUnreachable(h.name);
          return undefined;
        },
      ),
    );
  }
  function markUnreachable(host: string): void {
    if (dead.has(host)) return;
    dead.add(host);
    const r = recap[host];
    if (r) r.unreachable += 1;
  }

  let interrupted = false;
  let fatal = false;
  try {
    for (const play of opts.playbook.plays) {
      if (fatal || opts.signal?.aborted) break;
      const playHosts = selectHosts(opts.inventory, play.hosts).filter((h) => recap[h.name] !== undefined);
      if (playHosts.length === 0) continue;
      opts.emit({ type: 'play.start', play: play.name, hosts: playHosts.map((h) => h.name) });
      await prefetch(play, playHosts);
      for (const [index, t] of play.tasks.entries()) {
        if (opts.signal?.aborted) break;
        if (!taskSelected(t, opts.tags, opts.skipTags)) continue;
        const live = playHosts.filter((h) => !dead.has(h.name) && !failedHosts.has(h.name));
        if (live.length === 0) break;
        const t0 = Date.now();
        opts.emit({ type: 'task.start', play: play.name, task: t.name, index, hosts: live.map((h) => h.name) });
        await mapLimit(live, forks, (h) => runOne(play, t, index, h));
        opts.emit({ type: 'task.end', play: play.name, task: t.name, index, durationMs: Date.now() - t0 });
        if (opts.anyErrorsFatal && live.some((h) => failedHosts.has(h.name) || dead.has(h.name))) {
          fatal = true;
          break;
        }
      }
    }
  } finally {
    interrupted = opts.signal?.aborted ?? false;
    for (const sc of sigCaches.values()) {
      try {
        sc.save();
      } catch {
        /* a cache that cannot be written only costs speed next time */
      }
    }
    await Promise.all(
      [...conns.values()].map(async (p) => {
        const c = await p;
        await c?.close().catch(() => undefined);
      }),
    );
  }

  const anyFailed = Object.values(recap).some((r) => r.failed > 0);
  const anyUnreachable = Object.values(recap).some((r) => r.unreachable > 0);
  const anyChanged = Object.values(recap).some((r) => r.changed > 0);
  const exitCode = interrupted ? 130 : anyFailed ? 2 : anyUnreachable ? 4 : check && opts.detailedExitcode && anyChanged ? 3 : 0;
  opts.emit({ type: 'recap', hosts: recap, durationMs: Date.now() - started, exitCode, check, interrupted });
  return { exitCode, recap, results, interrupted };

  async function prefetch(play: Play, hosts: ResolvedHost[]): Promise<void> {
    const base = { inventory: opts.inventory, check, tags: opts.tags, skipTags: opts.skipTags, baseDir: opts.baseDir ?? process.cwd() };
    await Promise.all(
      hosts.map(async (h) => {
        const conn = await conns.get(h.name);
        if (!conn) return;
        const cache = caches.get(h.name) as FactCache;
        const sigCache = sigCaches.get(h.name) as SigCache;
        await prefetchFacts(play, { host: h, conn, vars: vars.get(h.name), results: results.get(h.name) as HostResults, cache, sigCache }, base);
      }),
    );
  }

  async function runOne(play: Play, t: Task, index: number, h: ResolvedHost): Promise<void> {
    const t0 = Date.now();
    const hr = results.get(h.name) as HostResults;
    const rc = recap[h.name] as HostRecap;
    const key = `${play.name}/${t.name}`;
    const notified = t.notifiedBy.some((n) => hr.get(n.id)?.changed === true) || readStore.has(h.name, key);
    const ctx = makeContext(opts.inventory, h, vars.get(h.name), hr, check, notified);
    const emitResult = (o: TaskOutcome, extra: { diff?: unknown; error?: TsplayError | undefined } = {}) => {
      hr.set(t.id, o);
      const durationMs = Date.now() - t0;
      rc.durationMs += durationMs;
      if (o.status === 'unreachable') markUnreachable(h.name);
      else rc[o.status] += 1;
      opts.emit({
        type: 'task.result',
        play: play.name,
        task: t.name,
        index,
        host: h.name,
        status: o.status,
        changed: o.changed,
        summary: o.summary === undefined ? undefined : redact(o.summary),
        msg: o.msg === undefined ? undefined : redact(o.msg),
        stdout: o.stdout === undefined ? undefined : redact(o.stdout.slice(0, 4000)),
        diff: opts.diff && extra.diff ? (redactValue(extra.diff) as never) : undefined,
        durationMs,
        error: extra.error ? errorInfo(extra.error) : undefined,
      });
    };
    try {
      if (t.when && !t.when(ctx)) {
        emitResult({ status: 'skipped', changed: false, data: undefined, summary: 'condition false' });
        return;
      }
      const conn = await conns.get(h.name);
      if (!conn) return; // reported at connect
      const rawArgs = typeof t.args === 'function' ? t.args(ctx) : t.args;
      const become = t.become ?? play.become ?? h.become ?? false;
      const ex = await executeModule(conn, t.module, rawArgs, {
        check,
        become,
        overlay: overlays.get(h.name),
        cache: caches.get(h.name),
        sigCache: sigCaches.get(h.name),
        task: t.name,
        baseDir: opts.baseDir ?? process.cwd(),
        timeoutMs: t.timeoutMs,
        log: (message) => opts.emit({ type: 'log', host: h.name, task: t.name, message: redact(message) }),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      if (ex.error) {
        if (ex.error.code === 'UNREACHABLE') {
          emitResult({ ...ex.outcome, status: 'unreachable' }, { error: ex.error });
          return;
        }
        emitResult(ex.outcome, { error: ex.error });
        if (!t.ignoreErrors) failedHosts.add(h.name);
        return;
      }
      if (!check && ex.outcome.changed) {
        // Durable: notify later tasks now, before anything else can fail.
        for (const later of play.tasks) if (later.notifiedBy.includes(t)) store.add(h.name, `${play.name}/${later.name}`);
      }
      if (!check && notified) store.clear(h.name, key);
      emitResult(ex.outcome, { diff: ex.diff });
    } catch (e) {
      const err = toTsplayError(e, 'TASK_FAILED').withContext({ host: h.name, task: t.name });
      emitResult({ status: 'failed', changed: false, data: undefined, msg: err.message }, { error: err });
      if (!t.ignoreErrors) failedHosts.add(h.name);
    }
  }
}
