/**
 * Where the controllers' instance list comes from: recorded JSON (TSPLAY_GCLOUD_JSON), else
 * `gcloud compute instances list` itself when gcloud is on PATH. Without either the external IPs
 * are unknown, and that is an error here: a placeholder address never reaches a connection.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { TsplayError } from '@tsplay/core';
import './error-codes.js';

/** The gcloud executable on PATH, if any. */
export function findGcloud(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) if (dir && existsSync(join(dir, 'gcloud'))) return join(dir, 'gcloud');
  return undefined;
}

/** The argv that lists the instances carrying the network tag. */
export const gcloudListArgs = (tag: string): string[] => ['compute', 'instances', 'list', '--format=json', `--filter=tags.items=${tag}`];

function parse(text: string, from: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new TsplayError('GCP_INSTANCES_INVALID', `${from} is not JSON: ${(e as Error).message}`, {
      cause: e,
      hint: 'expected the output of `gcloud compute instances list --format=json`',
    });
  }
}

/** The instance list JSON, from TSPLAY_GCLOUD_JSON or gcloud; a coded error when neither is there. */
export function instanceList(tag: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const saved = env.TSPLAY_GCLOUD_JSON;
  if (saved) {
    if (!existsSync(saved))
      throw new TsplayError('GCP_INSTANCES_INVALID', `TSPLAY_GCLOUD_JSON names ${saved}, which does not exist`, {
        file: saved,
        hint: 'gcloud compute instances list --format=json > instances.json',
      });
    return parse(readFileSync(saved, 'utf8'), saved);
  }
  let gcloud = findGcloud(env.PATH);
  // Safety: a test run never calls the real gcloud (it would reach Google's API); only stand-ins in the temp dir.
  if (gcloud && env.VITEST && !gcloud.startsWith(tmpdir())) gcloud = undefined;
  if (!gcloud)
    throw new TsplayError(
      'GCP_ADDRESSES_UNKNOWN',
      "the controllers' external IPs are unknown: gcloud is not on PATH and TSPLAY_GCLOUD_JSON is not set",
      {
        hint: 'install the Google Cloud CLI and run `gcloud auth login` (the inventory then lists the instances itself), or save `gcloud compute instances list --format=json` to a file and set TSPLAY_GCLOUD_JSON to it',
      },
    );
  let out: string;
  try {
    out = execFileSync(gcloud, gcloudListArgs(tag), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? '')
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ');
    throw new TsplayError('GCP_GCLOUD_FAILED', `gcloud compute instances list failed: ${stderr || (e as Error).message}`, {
      cause: e,
      hint: 'check `gcloud auth list` and `gcloud config get project`',
    });
  }
  return parse(out, 'gcloud output');
}
