import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { registerSecret, Secret, TsplayError, type FactQuery } from '@tsplay/core';
import { defineFact } from '../kit/facts.js';

/**
 * A file on the workstation, read when the task's facts are built (the workstation side of
 * fact gathering), so `plan` stays pure and sees its hash like any other fact. The bytes are
 * wrapped in a `Secret` so they never end up in JSON output of the plan.
 */
export interface LocalFile {
  path: string;
  sha256: string;
  size: number;
  bytes: Secret<Buffer>;
}

export function readLocalFile(src: string, baseDir: string, opts: { secret: boolean; field: string }): LocalFile {
  const path = isAbsolute(src) ? src : resolve(baseDir, src);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TsplayError('ARGS_INVALID', `cannot read local file ${path}: ${code ?? (e as Error).message}`, {
      field: opts.field,
      hint: `relative paths resolve against ${baseDir} (the playbook's directory)`,
      cause: e,
    });
  }
  if (opts.secret) registerSecret(buf.toString('utf8'));
  return { path, sha256: createHash('sha256').update(buf).digest('hex'), size: buf.length, bytes: new Secret(buf) };
}

/** A fact answered on the workstation: the host only runs `:` in the batch. */
export const localFileFact: (file: LocalFile) => FactQuery<LocalFile> = defineFact({
  module: 'kit',
  name: 'localFile',
  script: (_file: LocalFile) => ':',
  id: (file) => [file.path, file.sha256],
  parse: (_r, file) => file,
});
