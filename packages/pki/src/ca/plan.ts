import type { Plan } from '@tsplay/modules/kit';
import type { CertFile, KeyFile } from '../facts.js';
import { canonicalName, daysLeft, usableKey } from '../x509.js';
import { fileWrites, modeFixes, type PkiPlanData } from '../plan-common.js';

export interface CaFacts {
  cert: CertFile;
  key: KeyFile;
  now: number;
}

export interface CaPlanArgs {
  cert: string;
  key: string;
  subject: string;
  days: number;
  renewDays: number;
}

/** Why the CA certificate must be issued anew, or undefined when it is kept. */
export function caReissueReason(f: CaFacts, a: CaPlanArgs): string | undefined {
  if (f.cert.kind === 'absent') return 'there is none';
  if (f.cert.kind === 'invalid') return f.cert.reason;
  if (f.cert.kind !== 'cert') return 'it is being written';
  const c = f.cert.cert;
  if (!c.isCa) return 'it is not a CA certificate';
  if (c.subject !== c.issuer) return 'it is not self-signed';
  if (c.subject !== canonicalName(a.subject)) return `its subject is ${c.subject}`;
  if (f.key.kind !== 'key') return f.key.kind === 'absent' ? 'its key is missing' : 'its key is unreadable';
  if (f.key.key.spki !== c.spki) return 'its key does not match it';
  const left = daysLeft(c, f.now);
  if (left <= a.renewDays) return left < 0 ? 'it has expired' : `${left} days are left, renewDays ${a.renewDays}`;
  return undefined;
}

/**
 * Pure: keep a valid CA (self-signed, same subject, key matching, more than renewDays left); else issue
 * one. A readable key is kept, so a renewed CA certificate still verifies the leaves it signed.
 */
export function planCa(f: CaFacts, a: CaPlanArgs): Plan<PkiPlanData> {
  if (f.cert.kind === 'pending' || f.key.kind === 'pending') return { changed: true, unknown: `an earlier task would write ${a.cert}` };
  const reason = caReissueReason(f, a);
  if (reason === undefined) {
    const fixes = modeFixes([
      { path: a.cert, mode: f.cert.kind === 'cert' ? f.cert.mode : 0o644, want: 0o644 },
      { path: a.key, mode: f.key.kind === 'key' ? f.key.mode : 0o600, want: 0o600 },
    ]);
    const left = f.cert.kind === 'cert' ? daysLeft(f.cert.cert, f.now) : 0;
    if (fixes.length === 0) return { changed: false, summary: `CA ${a.cert} is valid (${left} days left)` };
    return {
      changed: true,
      summary: fixes.map((x) => x.summary).join('; '),
      predict: { paths: Object.fromEntries(fixes.map((x) => [x.path, x.state])) },
      data: { issue: false, newKey: false, chmod: fixes.map((x) => [x.path, x.want]) },
    };
  }
  const newKey = f.key.kind !== 'key' || !usableKey(f.key.key.algorithm);
  return {
    changed: true,
    summary: `would issue the CA ${a.cert} (${reason})${newKey ? ` with a new key ${a.key}` : ''}`,
    diff: [
      {
        path: a.cert,
        before: f.cert.kind === 'cert' ? `${f.cert.cert.subject}, serial ${f.cert.cert.serial}\n` : '',
        after: `${canonicalName(a.subject)}, new serial\n`,
      },
    ],
    predict: { paths: fileWrites(a.cert, newKey ? a.key : undefined) },
    data: { issue: true, newKey, chmod: [] },
  };
}
