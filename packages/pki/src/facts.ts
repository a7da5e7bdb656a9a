import { defineFact, quote, registerSecret, unknownFact, type ExecResult } from '@tsplay/modules/kit';
import { parseCert, parseKey, type CertInfo, type KeyInfo } from './x509.js';

/** PEM files above this size are not certificates or keys tsplay made. */
export const PEM_MAX_BYTES = 64 * 1024;

/** A PEM file on the workstation: absent, unreadable as what it should hold, or parsed. `pending` in check mode when an earlier task would write it. */
export type CertFile =
  | { kind: 'absent' }
  | { kind: 'pending' }
  | { kind: 'invalid'; mode: number; reason: string }
  | { kind: 'cert'; mode: number; cert: CertInfo };
export type KeyFile =
  | { kind: 'absent' }
  | { kind: 'pending' }
  | { kind: 'invalid'; mode: number; reason: string }
  | { kind: 'key'; mode: number; key: KeyInfo };

/** The probe: `F <octal mode>` + base64 of a regular file up to the limit, `L <size>` above it, `A` when there is none. */
export function pemScript(path: string): string {
  const p = quote(path);
  return `if [ -f ${p} ] && [ ! -L ${p} ]; then __s=$(stat -c %s -- ${p}); if [ "$__s" -le ${PEM_MAX_BYTES} ]; then echo "F $(stat -c %a -- ${p})"; base64 < ${p} | tr -d '\\n'; echo; else echo "L $__s"; fi; else echo A; fi`;
}

type Raw = { kind: 'absent' } | { kind: 'invalid'; mode: number; reason: string } | { kind: 'text'; mode: number; text: string };

/** Parse the probe's output into the file's mode and text. Exported for tests. */
export function parsePemProbe(r: ExecResult): Raw {
  const [head = '', body = ''] = r.stdout.split('\n');
  if (head.startsWith('L ')) return { kind: 'invalid', mode: 0, reason: `${head.slice(2)} bytes: larger than a PEM file` };
  if (!head.startsWith('F ')) return { kind: 'absent' };
  const mode = Number.parseInt(head.slice(2), 8);
  const text = Buffer.from(body.trim(), 'base64').toString('utf8');
  if (text.trim() === '') return { kind: 'invalid', mode, reason: 'empty or unreadable' };
  return { kind: 'text', mode, text };
}

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'unreadable';

export function parseCertFile(r: ExecResult): CertFile {
  const raw = parsePemProbe(r);
  if (raw.kind !== 'text') return raw;
  try {
    return { kind: 'cert', mode: raw.mode, cert: parseCert(raw.text) };
  } catch (e) {
    return { kind: 'invalid', mode: raw.mode, reason: `not a PEM certificate (${why(e)})` };
  }
}

export function parseKeyFile(r: ExecResult): KeyFile {
  const raw = parsePemProbe(r);
  if (raw.kind !== 'text') return raw;
  registerSecret(raw.text);
  registerSecret(r.stdout.split('\n')[1]?.trim() ?? '');
  try {
    return { kind: 'key', mode: raw.mode, key: parseKey(raw.text) };
  } catch (e) {
    return { kind: 'invalid', mode: raw.mode, reason: `not a PEM private key (${why(e)})` };
  }
}

/** In check mode: `pending` when an earlier task would write the file, unknown when it cannot say. */
const pendingFromOverlay = (o: { unknown(p: string): string | undefined; touches(p: string): boolean }, path: string) => {
  const reason = o.unknown(path);
  if (reason !== undefined) return unknownFact(reason);
  return o.touches(path) ? ({ kind: 'pending' } as const) : undefined;
};

/** A certificate file on the connection's host (the workstation, with `delegateTo: 'localhost'`). */
export const certFileFact = defineFact({
  module: 'pki',
  name: 'cert',
  script: (path: string) => pemScript(path),
  parse: (r): CertFile => parseCertFile(r),
  fromOverlay: (o, path) => pendingFromOverlay(o, path),
});

/** A private key file: its public half and algorithm; the PEM only as a `Secret`. */
export const keyFileFact = defineFact({
  module: 'pki',
  name: 'key',
  script: (path: string) => pemScript(path),
  parse: (r): KeyFile => parseKeyFile(r),
  fromOverlay: (o, path) => pendingFromOverlay(o, path),
});

/** The workstation's clock (ms), so that plans stay pure: days left are counted from it. */
export const clockFact = defineFact({
  module: 'pki',
  name: 'clock',
  script: () => 'date +%s',
  parse: (r): number => Number(r.stdout.trim()) * 1000,
});
