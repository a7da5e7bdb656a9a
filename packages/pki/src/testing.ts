/** Fact values for the plan tables, parsed from the openssl fixtures (test-only; not exported by the package). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertFile, parseKeyFile, type CertFile, type KeyFile } from './facts.js';

const fixture = (n: string) => readFileSync(join(import.meta.dirname, 'fixtures', n), 'utf8');
const probe = (mode: number, text: string) => ({
  code: 0,
  stderr: '',
  stdout: `F ${mode.toString(8)}\n${Buffer.from(text).toString('base64')}\n`,
});

export const certOf = (name: string, mode = 0o644): CertFile => parseCertFile(probe(mode, fixture(name)));
export const keyOf = (name: string, mode = 0o600): KeyFile => parseKeyFile(probe(mode, fixture(name)));
export const ABSENT = { kind: 'absent' } as const;
export const PENDING = { kind: 'pending' } as const;

/** The fixtures' validity: CA 2026-12-04 .. 2036-12-01, leaf 2026-12-04 .. 2027-12-04 (22:07:43 UTC). */
export const DAY = 86_400_000;
export const LEAF_NOT_AFTER = Date.parse('2027-12-04T22:07:43Z');
export const CA_NOT_AFTER = Date.parse('2036-12-01T22:07:43Z');
export const T0 = Date.parse('2026-12-05T00:00:00Z');
