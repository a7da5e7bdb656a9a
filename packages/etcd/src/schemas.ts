/**
 * The one place the etcd package says what a value may hold before it reaches etcd.service, a shell or a
 * config line (issue 25): member names, IPs, tokens, host paths, URLs and checksums, as zod schemas the
 * vars (vars.ts) and every module's args share. A value that passes one of them holds no newline, no
 * control character, no quote, no `$`, `%`, `;`, backslash or blank: it stays one word on one line.
 */
import { sh } from '@tsplay/core';
import { z } from 'zod';

/** Letters, digits and `._-`: a member name, a host or group name, a cluster token. */
export const WORD = /^[A-Za-z0-9._-]+$/;
/** An absolute path on a host: `/` then letters, digits and `._+/:@,=~-` (no blank, quote, `$`, `%`, `;`). */
export const HOST_PATH = /^\/[A-Za-z0-9._+/:@,=~-]*$/;
/** An http(s) URL without a query, blanks or shell characters (`%` only as a `%XX` escape). */
export const PLAIN_URL = /^https?:\/\/(?:[A-Za-z0-9._~+@:/-]|%[0-9A-Fa-f]{2})+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const HEX64 = /^[0-9a-fA-F]{64}$/;
/** C0 controls and DEL: a newline, a carriage return, a tab... */
const CONTROL = /[\x00-\x1f\x7f\u2028\u2029]/;

export const word = (what: string) =>
  z.string().regex(WORD, `${what} may hold only letters, digits and . _ - (it goes into etcd.service and shell commands)`);
export const hostPath = (what: string) =>
  z
    .string()
    .regex(
      HOST_PATH,
      `${what} is an absolute path on the host of letters, digits and . _ + / : @ , = ~ - (no blank, quote, $, %, ; or newline)`,
    );
export const ipv4 = (what: string) => z.string().regex(IPV4, `${what} must be an IPv4 address like 10.240.0.10`);
export const plainUrl = (what: string) =>
  z
    .string()
    .regex(PLAIN_URL, `${what} must be an http(s) URL of letters, digits, %XX and . _ ~ + @ : / - (no query, blank, quote or newline)`);
/** `sha256:<64 hex>`, `sha256:<URL of a SHA256SUMS file>`, or `skip`. */
export const checksum = (what: string) =>
  z.string().refine((v) => v === 'skip' || (v.startsWith('sha256:') && (HEX64.test(v.slice(7)) || PLAIN_URL.test(v.slice(7)))), {
    message: `${what} is sha256:<64 hex digits>, sha256:<http(s) URL of a SHA256SUMS file> or skip`,
  });
/** etcd's --auto-compaction-retention: a whole number (hours, or revisions) or a Go duration like 30m, 1h30m, 90s. */
export const RETENTION = /^(?:\d{1,9}|(?:\d{1,6}(?:\.\d{1,3})?(?:h|m|s|ms))+)$/;
export const retention = (what: string) =>
  z
    .union([
      z.number().int().min(0).max(999_999_999),
      z
        .string()
        .regex(RETENTION, `${what} is a whole number (hours in periodic mode, revisions in revision mode) or a duration like 30m, 1h30m`),
    ])
    .transform(String);
/** A byte count between min and max: a number, or its digits as a string (`-e etcdQuotaBackendBytes=33554432`). */
export const byteCount = (what: string, min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,12}$/, `${what} is a number of bytes (digits only)`)
        .transform(Number),
    ])
    .pipe(
      z
        .number()
        .int(`${what} is a whole number of bytes`)
        .min(min, `${what} is at least ${min} bytes`)
        .max(max, `${what} is at most ${max} bytes`),
    );
/** One line of text (a workstation path may hold blanks; it never reaches a host as is). */
export const oneLine = (what: string) =>
  z
    .string()
    .min(1, `${what} is empty`)
    .refine((v) => !CONTROL.test(v), { message: `${what} must be one line (no newline or control character)` });

/** A member in module args: its name and internal IP, both one word. */
export const memberArg = z.object({ name: word('a member name'), ip: ipv4('a member ip') });
export type MemberArg = z.output<typeof memberArg>;

/** The client certificate etcdctl and curl use on the host. */
export const tlsArgs = { caFile: hostPath('caFile'), certFile: hostPath('certFile'), keyFile: hostPath('keyFile') };
const tlsObject = z.object(tlsArgs);
export type Tls = z.output<typeof tlsObject>;
/** Just the three paths of a value that has them. */
export const tlsOf = (a: Tls): Tls => ({ caFile: a.caFile, certFile: a.certFile, keyFile: a.keyFile });

/** curl's words for the client certificate (each quoted where it goes through `sh`). */
export const curlTls = (t: Tls): string[] => ['--cacert', t.caFile, '--cert', t.certFile, '--key', t.keyFile];
/** A shell test, builtins only: the three client certificate files are readable (curl could ask with them). */
export const tlsReadable = (t: Tls): string => sh`[ -r ${t.caFile} ] && [ -r ${t.certFile} ] && [ -r ${t.keyFile} ]`;
/** etcdctl on the host. */
export const etcdctlArg = { etcdctl: hostPath('etcdctl').default('/usr/local/bin/etcdctl') };
/** The endpoint a probe asks (the member itself). */
export const endpointArg = { endpoint: plainUrl('endpoint').default('https://127.0.0.1:2379') };
