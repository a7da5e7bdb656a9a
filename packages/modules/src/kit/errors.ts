import { TsplayError, type ErrorCode, type ErrorDetails } from '@tsplay/core';

const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/**
 * The error codes a package raises, declared where they are raised (core lists only its own):
 * `const fail = errorCodes(['LINE_NOT_FOUND']); throw fail('LINE_NOT_FOUND', 'no line matches', { field: 'regexp' })`.
 */
export function errorCodes<const C extends Uppercase<string>>(
  codes: readonly C[],
): ((code: C, message: string, details?: ErrorDetails) => TsplayError) & { codes: readonly C[] } {
  for (const c of codes) if (!CODE.test(c)) throw new TypeError(`error code ${JSON.stringify(c)} is not UPPER_SNAKE_CASE`);
  const make = (code: C, message: string, details: ErrorDetails = {}): TsplayError =>
    new TsplayError(code as string as ErrorCode, message, details);
  return Object.assign(make, { codes });
}
