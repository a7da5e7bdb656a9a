import { z } from 'zod';

export const systemdArgs = z.strictObject({
  /** The unit: `etcd` means `etcd.service`. */
  name: z.string().min(1).regex(/^[A-Za-z0-9:_.\\@-]+$/, 'a unit name has only letters, digits and :_.\\@-'),
  state: z.enum(['started', 'stopped', 'restarted', 'reloaded']).optional(),
  enabled: z.boolean().optional(),
  /** Run `systemctl daemon-reload` first when systemd has not loaded the current unit file. */
  daemonReload: z.boolean().default(false),
  /** Restart a running unit (set from `ctx.notified`, see `systemdService`). Ignored with state 'stopped'. */
  restart: z.boolean().default(false),
  /** Start/restart with `--no-block`, then wait for the unit (never deadlocks on Type=notify clusters). */
  noBlock: z.boolean().default(true),
  /** How long to wait for the unit to become active. */
  waitTimeoutMs: z.number().int().positive().default(90_000),
  /**
   * A Type=notify unit whose process runs but has not signalled readiness (etcd waiting for a
   * quorum of peers that this run has not started yet) counts as started after this long.
   * 0 waits for readiness up to `waitTimeoutMs`.
   */
  notifyGraceMs: z.number().int().nonnegative().default(5_000),
  /** Interval between state polls on the host. */
  pollIntervalMs: z.number().int().min(50).max(5_000).default(100),
});

export type SystemdArgs = z.output<typeof systemdArgs>;
export type SystemdArgsInput = z.input<typeof systemdArgs>;
