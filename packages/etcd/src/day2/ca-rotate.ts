/**
 * `etcd-ca-state` (read-only): where a member stands in a CA rotation (ca-rotate-judge.ts), from the same probe
 * as the certificate report. Before a phase (`after: false`) a member not ready for it stops the run with
 * `ETCD_CA_PHASE`; after the phase's roll (`after: true`) a member where it is not complete does.
 */
import { defineModule } from '@tsplay/core';
import { z } from 'zod';
import { hostPath, ipv4, tlsArgs } from '../schemas.js';
import { CA_PHASES, caPhaseError, caState, describeState, phaseBlocker, phaseDone, type CaState } from './ca-rotate-judge.js';
import { certsProbeFact } from './certs.js';

const pem = z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'a PEM certificate' });

export const caStateArgs = z.object({
  phase: z.enum(CA_PHASES),
  ip: ipv4('ip'),
  dir: hostPath('dir').default('/etc/etcd'),
  /** The CA the members trust before the rotation, and the one they trust after it (PEM). */
  oldCa: pem,
  newCa: pem,
  /** After the phase's roll: fail unless the phase is complete here. */
  after: z.boolean().default(false),
  ...tlsArgs,
});

export const etcdCaState = defineModule({
  name: 'etcd-ca-state',
  args: caStateArgs,
  facts: (a) => ({ probe: certsProbeFact(a) }),
  plan: (f, a, ctx) => {
    const s = caState(f.probe, a, a.oldCa, a.newCa);
    if (a.oldCa.trim() === a.newCa.trim())
      throw caPhaseError(
        ctx.host,
        'etcdNewCaFile is the CA the members trust now: nothing to rotate',
        'give the new CA in etcdNewCaFile (make it with playbooks/pki.ts in another directory)',
      );
    const why = a.after ? phaseDone(a.phase, s) : phaseBlocker(a.phase, s);
    if (why !== undefined)
      throw caPhaseError(
        ctx.host,
        a.after ? `phase ${a.phase} is not complete: ${why}` : `not ready for phase ${a.phase}: ${why}`,
        'packages/etcd/README.md, "CA rotation"; every phase may be re-run',
      );
    return { changed: false, summary: describeState(s), data: s };
  },
  resultFromPlan: (p): CaState | undefined => p.data,
});
