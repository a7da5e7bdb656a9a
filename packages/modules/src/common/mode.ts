import { z } from 'zod';

/**
 * File modes as the user writes them: a string of octal digits ('0700', '755', 'u=rwx' is not
 * supported) or a number written in octal (0o700). A plain decimal number like 700 is
 * ambiguous (it is 0o1274), so it is rejected with a hint.
 */
export const modeSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  if (typeof v === 'string') {
    if (!/^0?[0-7]{3,4}$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: `mode ${JSON.stringify(v)} is not an octal mode; write it like '0644' or '0755'` });
      return z.NEVER;
    }
    return parseInt(v, 8);
  }
  if (!Number.isInteger(v) || v < 0 || v > 0o7777) {
    ctx.addIssue({ code: 'custom', message: `mode ${v} is out of range; write it like '0644' or 0o644` });
    return z.NEVER;
  }
  // A decimal literal above 0o777 whose digits all look octal (644, 700, 755) is almost surely
  // a mistake for an octal mode. (Special bits such as 0o4755 must then be written as '4755'.)
  if (v > 0o777 && /^[0-7]+$/.test(String(v))) {
    ctx.addIssue({
      code: 'custom',
      message: `mode ${v} is a decimal number (= 0o${v.toString(8)}); did you mean '0${v}' or 0o${v}?`,
    });
    return z.NEVER;
  }
  return v;
});

export type ModeInput = z.input<typeof modeSchema>;

/** '0644' for display. */
export function formatMode(mode: number | undefined): string {
  return mode === undefined ? '?' : `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
