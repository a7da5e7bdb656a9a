import { safeWriteRefusal, SCRIPT_EXIT, TsplayError, type ExecResult } from '../kit/index.js';
import type { UnarchiveOptions } from './args.js';
import { unsafeSubdirError } from './safe.js';

// Exit codes of the extraction script (apply.ts) beyond the safe write's own.
export const E_TAR = 12;
export const E_CHANGED = 13;
export const E_UNNAMED = 16;
const { temp: E_TEMP, attrs: E_ATTRS, rename: E_RENAME } = SCRIPT_EXIT;

/** The paths the script placed: the `F|path` lines of a fresh run, else the plan's install list. */
export function placedFiles(r: ExecResult, all: boolean, planned: readonly string[]): string[] {
  return all ? r.stdout.split('\n').flatMap((l) => (l.startsWith('F|') ? [l.slice(2)] : [])) : [...planned];
}

/** A failed extraction (apply's and the step's) as the module's coded error; undefined when it succeeded. */
export function extractionError(r: ExecResult, args: UnarchiveOptions, host: string): TsplayError | undefined {
  const err = r.stderr.trim().slice(-600);
  const where = { host };
  const refused = safeWriteRefusal(r, args.dest);
  if (refused) {
    const e = unsafeSubdirError(args.src, args.dest, refused.field ?? args.dest);
    return new TsplayError(e.code, e.message, { ...where, field: e.field, hint: e.hint });
  }
  if (r.code === 0) return undefined;
  if (/No space left/i.test(err)) {
    return new TsplayError('DISK_FULL', `no space left extracting ${args.src} into ${args.dest}`, {
      ...where,
      hint: `free space in ${args.dest}`,
    });
  }
  return exitError(r.code, err, args, where);
}

/** The error a failed script's exit code names (`err`: the end of its stderr). */
function exitError(code: number, err: string, args: UnarchiveOptions, where: { host: string }): TsplayError {
  switch (code) {
    case E_TEMP:
      return new TsplayError('WRITE_FAILED', `cannot create a temp dir in ${args.dest}: ${err}`, { ...where, field: 'dest' });
    case E_TAR: {
      // A fresh run does not read the archive in plan, so a pattern that matches nothing is found here.
      const unmatched = /Not found in archive/.test(err);
      return new TsplayError('ARCHIVE_FAILED', `tar failed on ${args.src}: ${err}`, {
        ...where,
        field: unmatched ? 'include' : 'src',
        ...(unmatched ? { hint: 'an include pattern matched no member; list them with tar -tf' } : {}),
      });
    }
    case E_CHANGED:
      return new TsplayError(
        'ARCHIVE_FAILED',
        `${args.src} changed since it was planned, or member ${err} is not a regular file in it; nothing was replaced`,
        { ...where, hint: 'run again; an include pattern without wildcards must name a regular file' },
      );
    case E_UNNAMED:
      return new TsplayError(
        'ARCHIVE_FAILED',
        `no member of ${args.src} extracts to ${err} (an include pattern matched only deeper paths); nothing was replaced`,
        {
          ...where,
          field: 'include',
          hint: 'name the member at its depth (e.g. top/bin/tool, or */bin/tool with stripComponents: 1); list them with tar -tf',
        },
      );
    case E_ATTRS:
      return new TsplayError('WRITE_FAILED', `cannot set mode/owner on extracted files: ${err}`, {
        ...where,
        hint: 'does the owner/group exist?',
      });
    case E_RENAME:
      return new TsplayError('WRITE_FAILED', `cannot move extracted files into ${args.dest}: ${err}`, where);
    default:
      return new TsplayError('COMMAND_FAILED', `unarchive script failed (exit ${code}): ${err}`, where);
  }
}
