import type { Plan } from '@tsplay/modules/kit';
import { pkiError } from '../errors.js';
import type { CertFile, KeyFile } from '../facts.js';
import { fileWrites, modeFixes, type PkiPlanData } from '../plan-common.js';
import { canonicalName, canonicalSans, daysLeft, signedBy, usableKey } from '../x509.js';

export interface CertFacts {
  cert: CertFile;
  key: KeyFile;
  ca: CertFile;
  caKey: KeyFile;
  now: number;
}

export interface CertPlanArgs {
  cert: string;
  key: string;
  ca: string;
  caKey: string;
  subject: string;
  ips: readonly string[];
  dnsNames: readonly string[];
  renewDays: number;
}

const caError = (msg: string, a: CertPlanArgs) =>
  pkiError('PKI_CA_INVALID', msg, {
    field: 'ca',
    hint: `make the CA first (pki_ca with cert ${a.ca} and key ${a.caKey}; playbooks/pki.ts does both)`,
  });

/** The CA must be there and whole before a leaf can be judged or signed. */
function checkCa(f: CertFacts, a: CertPlanArgs): void {
  if (f.ca.kind !== 'cert')
    throw caError(
      `the CA certificate ${a.ca} is ${f.ca.kind === 'absent' ? 'missing' : `unusable: ${f.ca.kind === 'invalid' ? f.ca.reason : f.ca.kind}`}`,
      a,
    );
  if (f.caKey.kind !== 'key')
    throw caError(
      `the CA key ${a.caKey} is ${f.caKey.kind === 'absent' ? 'missing' : `unusable: ${f.caKey.kind === 'invalid' ? f.caKey.reason : f.caKey.kind}`}`,
      a,
    );
  if (f.caKey.key.spki !== f.ca.cert.spki) throw caError(`the CA key ${a.caKey} does not match the CA certificate ${a.ca}`, a);
  if (!f.ca.cert.isCa) throw caError(`${a.ca} is not a CA certificate`, a);
}

/** Why the leaf must be issued anew, or undefined when it is kept. Needs a checked CA. */
export function certReissueReason(f: CertFacts, a: CertPlanArgs): string | undefined {
  if (f.cert.kind === 'absent') return 'there is none';
  if (f.cert.kind === 'invalid') return f.cert.reason;
  if (f.cert.kind !== 'cert' || f.ca.kind !== 'cert' || f.caKey.kind !== 'key') return 'it is being written';
  const c = f.cert.cert;
  if (c.subject !== canonicalName(a.subject)) return `its subject is ${c.subject}`;
  const want = canonicalSans(a.ips, a.dnsNames);
  if (c.sans.join(',') !== want.join(',')) {
    const add = want.filter((s) => !c.sans.includes(s));
    const drop = c.sans.filter((s) => !want.includes(s));
    return `its SANs differ (${[...add.map((s) => `+${s}`), ...drop.map((s) => `-${s}`)].join(' ')})`;
  }
  if (c.issuer !== f.ca.cert.subject || !signedBy(c, f.caKey.key.pem.reveal())) return 'it was not signed by this CA';
  if (f.key.kind !== 'key') return f.key.kind === 'absent' ? 'its key is missing' : 'its key is unreadable';
  if (f.key.key.spki !== c.spki) return 'its key does not match it';
  const left = daysLeft(c, f.now);
  if (left <= a.renewDays) return left < 0 ? 'it has expired' : `${left} days are left, renewDays ${a.renewDays}`;
  return undefined;
}

/**
 * Pure: keep a leaf with the same subject and SANs, signed by this CA, matching its key, with more than
 * renewDays left; else issue one (reusing a readable key). Check mode: a CA an earlier task makes anew
 * (new key) means a new leaf; a CA renewed with its key leaves the leaf's fate unknown.
 */
export function planCert(f: CertFacts, a: CertPlanArgs): Plan<PkiPlanData> {
  if (f.cert.kind === 'pending' || f.key.kind === 'pending') return { changed: true, unknown: `an earlier task would write ${a.cert}` };
  const newKey = f.key.kind !== 'key' || !usableKey(f.key.key.algorithm);
  const issue = (reason: string): Plan<PkiPlanData> => ({
    changed: true,
    summary: `would issue ${a.cert} for ${canonicalName(a.subject)} (${reason})${newKey ? ` with a new key ${a.key}` : ''}`,
    diff: [
      {
        path: a.cert,
        before: f.cert.kind === 'cert' ? `${f.cert.cert.sans.join('\n')}\n` : '',
        after: `${canonicalSans(a.ips, a.dnsNames).join('\n')}\n`,
      },
    ],
    predict: { paths: fileWrites(a.cert, newKey ? a.key : undefined) },
    data: { issue: true, newKey, chmod: [] },
  });
  if (f.caKey.kind === 'pending') return issue('the CA would be made anew');
  if (f.ca.kind === 'pending') return { changed: true, unknown: `the CA ${a.ca} would be renewed first` };
  checkCa(f, a);
  const reason = certReissueReason(f, a);
  if (reason !== undefined) return issue(reason);
  const fixes = modeFixes([
    { path: a.cert, mode: f.cert.kind === 'cert' ? f.cert.mode : 0o644, want: 0o644 },
    { path: a.key, mode: f.key.kind === 'key' ? f.key.mode : 0o600, want: 0o600 },
  ]);
  const left = f.cert.kind === 'cert' ? daysLeft(f.cert.cert, f.now) : 0;
  if (fixes.length === 0) return { changed: false, summary: `${a.cert} is valid (${left} days left)` };
  return {
    changed: true,
    summary: fixes.map((x) => x.summary).join('; '),
    predict: { paths: Object.fromEntries(fixes.map((x) => [x.path, x.state])) },
    data: { issue: false, newKey: false, chmod: fixes.map((x) => [x.path, x.want]) },
  };
}
