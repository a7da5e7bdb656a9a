import { z } from 'zod';
import { canonicalName } from './x509.js';

/** A workstation path: absolute, or relative to the playbook's directory. */
export const pkiPath = (what: string) =>
  z
    .string()
    .min(1)
    .refine((p) => !p.includes('\n') && !p.endsWith('/'), `${what} is a file path on one line`)
    .describe(what);

/** A distinguished name such as `CN=Kubernetes, O=Kubernetes, C=US`. */
export const dnSchema = z.string().refine(
  (s) => {
    try {
      return canonicalName(s).length > 0;
    } catch {
      return false;
    }
  },
  { message: 'a distinguished name like "CN=Kubernetes, O=Kubernetes, C=US"' },
);

const days = z.number().int().positive();

/** Validity and renewal, shared by the CA and the leaf. */
export const lifetimeShape = {
  days: days.describe('Validity of a newly issued certificate, in days'),
  renewDays: z.number().int().nonnegative().default(30).describe('Issue anew when this many days or fewer are left'),
};
