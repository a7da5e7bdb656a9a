import { z } from 'zod';

export const systemdArgs = z.strictObject({
  /** The unit: `etcd` means `etcd.service`. */
  name: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9:_.\\@-]+$/, 'a unit name has only letters, digits and :_.\\@-')
    .describe('The unit: `etcd` means `etcd.service`'),
  state: z
    .enum(['started', 'stopped', 'restarted', 'reloaded'])
    .optional()
    .describe('What the unit should be doing (default: leave it as it is)'),
  enabled: z.boolean().optional().describe('Start at boot (systemctl enable) or not'),
  /** Run `systemctl daemon-reload` first when systemd has not loaded the current unit file. */
  daemonReload: z
    .boolean()
    .default(false)
    .describe('Run `systemctl daemon-reload` first when systemd has not loaded the current unit file'),
  /** Restart a running unit (set from `ctx.notified`, see `systemdService`). Ignored with state 'stopped'. */
  restart: z
    .boolean()
    .default(false)
    .describe("Restart a running unit (set from `ctx.notified`, see `systemdService`). Ignored with state 'stopped'"),
  /** Start/restart with `--no-block`, then wait for the unit (never deadlocks on Type=notify clusters). */
  noBlock: z
    .boolean()
    .default(true)
    .describe('Start/restart with `--no-block`, then wait for the unit (never deadlocks on Type=notify clusters)'),
  /** How long to wait for the unit to become active. */
  waitTimeoutMs: z.number().int().positive().default(90_000).describe('How long to wait for the unit to become active'),
  /**
   * A Type=notify unit whose process runs but has not signalled readiness (etcd waiting for a
   * quorum of peers that this run has not started yet) counts as started after this long.
   * 0 waits for readiness up to `waitTimeoutMs`.
   */
  notifyGraceMs: z
    .number()
    .int()
    .nonnegative()
    .default(5_000)
    .describe(
      'A Type=notify unit whose process runs but has not signalled readiness (etcd waiting for a quorum of peers that this run has not started yet) counts as started after this long. 0 waits for readiness up to `waitTimeoutMs`',
    ),
  /** Interval between state polls on the host. */
  pollIntervalMs: z.number().int().min(50).max(5_000).default(100).describe('Interval between state polls on the host'),
});

export type SystemdArgs = z.output<typeof systemdArgs>;
export type SystemdArgsInput = z.input<typeof systemdArgs>;
