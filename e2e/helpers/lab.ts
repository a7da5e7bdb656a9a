/** Shared e2e helpers on the lab (every e2e file may use them). */
import { labHostExec, requireLab, type LabExecResult, type LabHost } from '@tsplay/lab';

export { labHostExec, requireLab };
export type { LabExecResult, LabHost };

/** The running lab's hosts and inventory; throws LAB_NOT_UP at once (never connects) when it is down. */
export function lab(): ReturnType<typeof requireLab> {
  return requireLab();
}

/** Run `script` on every lab host at once; results in host order. */
export async function onAllHosts(script: string | ((h: LabHost) => string), opts: { become?: boolean } = {}): Promise<LabExecResult[]> {
  const { hosts } = requireLab();
  return Promise.all(hosts.map((h) => labHostExec(h.index, typeof script === 'string' ? script : script(h), opts)));
}

/** Run `script` and return stdout, failing with stderr when the exit code is not 0. */
export async function hostOutput(host: number | string, script: string, opts: { become?: boolean } = {}): Promise<string> {
  const r = await labHostExec(host, script, opts);
  if (r.code !== 0) throw new Error(`on ${String(host)}: exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/**
 * Poll `probe` until it returns a value (not undefined) or the deadline passes; for remote conditions that
 * have no event to await (a cluster forming). Fails with the last observation.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}
