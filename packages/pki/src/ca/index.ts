import { z } from 'zod';
import { defineModule } from '@tsplay/modules/kit';
import { keyFor, applyModes, writeIssued } from '../apply-common.js';
import { dnSchema, lifetimeShape, pkiPath } from '../args.js';
import { certFileFact, clockFact, keyFileFact } from '../facts.js';
import { issueCa } from '../issue.js';
import { workstationPath } from '../paths.js';
import { planCa } from './plan.js';

export const pkiCaArgs = z
  .strictObject({
    cert: pkiPath('The CA certificate (PEM) on the workstation; relative paths resolve against the playbook'),
    key: pkiPath("The CA's private key (PEM, 0600)"),
    subject: dnSchema.default('CN=Kubernetes, OU=CA, O=Kubernetes, L=Portland, ST=Oregon, C=US').describe("The CA's distinguished name"),
    ...lifetimeShape,
    days: lifetimeShape.days.default(3650),
  })
  .describe('A self-signed CA on the workstation (ECDSA P-256): kept while valid, issued anew otherwise');

export type PkiCaArgs = z.input<typeof pkiCaArgs>;

const paths = (a: { cert: string; key: string }, baseDir: string | undefined) => ({
  cert: workstationPath(a.cert, baseDir),
  key: workstationPath(a.key, baseDir),
});

/** `pki_ca`: run it on the workstation (`delegateTo: 'localhost'`). */
export const pkiCa = defineModule({
  name: 'pki_ca',
  args: pkiCaArgs,
  facts: (a, ctx) => {
    const p = paths(a, ctx.baseDir);
    return { cert: certFileFact(p.cert), key: keyFileFact(p.key), now: clockFact() };
  },
  plan: (f, a, ctx) => planCa(f, { ...a, ...paths(a, ctx.baseDir) }),
  apply: async (ctx, a, plan) => {
    const data = plan.data ?? { issue: false, newKey: false, chmod: [] };
    if (!data.issue) {
      await applyModes(ctx, data);
      return {};
    }
    const p = paths(a, ctx.baseDir);
    const keyPair = await keyFor(data, ctx.facts.key);
    const certPem = await issueCa({ subject: a.subject, days: a.days, key: keyPair, now: ctx.facts.now });
    await writeIssued(ctx, { ...p, certPem, keyPair, newKey: data.newKey });
    return {};
  },
});
