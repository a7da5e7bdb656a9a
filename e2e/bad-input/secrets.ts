/**
 * Secrets on the lab (e2e/security.test.ts): every way a secret can reach a host and come back in
 * output. The secret value, the key file and the download URL come from the environment (set by the
 * test), so the test can scan every byte of output for a value that is random per run.
 *
 *   TSPLAY_E2E_SECRET   a random token            TSPLAY_E2E_KEY   a private key file on the workstation
 *   TSPLAY_E2E_URL      https URL of a file       TSPLAY_E2E_SHA   its sha256
 *   TSPLAY_E2E_FAIL     unset: a clean run; `early` / `late`: the failing variants
 *   TSPLAY_E2E_NOPRINT  set: leave out the probe that prints the files on the host
 *   TSPLAY_E2E_MARKER   a plain (not secret) value echoed beside the token: it must show in the output
 */
import { definePlaybook, secret, sh, task } from '@tsplay/core';
import { command, copy, download, file, template } from '@tsplay/modules';
import { SECRETS_DIR as DIR } from './constants.js';

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set (see e2e/security.test.ts)`);
  return v;
};

const token = secret(env('TSPLAY_E2E_SECRET'));
const fail = process.env.TSPLAY_E2E_FAIL ?? '';

const tokenUnit = (v: { token: ReturnType<typeof secret<string>> }) => `[Service]\nEnvironment=TOKEN=${v.token.reveal()}\n`;

const setup = [
  task(file, { path: DIR, state: 'directory', mode: '0700' }, { name: 'secret dir' }),
  task(copy, { dest: `${DIR}/token`, content: token }, { name: 'Secret content' }),
  task(copy, { dest: `${DIR}/token.conf`, content: `token=${token.reveal()}\n`, secret: true }, { name: 'secret: true content' }),
  task(copy, { dest: `${DIR}/key.pem`, src: env('TSPLAY_E2E_KEY'), secret: true }, { name: 'key file from the workstation' }),
  task(template, { dest: `${DIR}/token.service`, template: tokenUnit, vars: { token } }, { name: 'template with a Secret var' }),
  task(
    download,
    {
      url: env('TSPLAY_E2E_URL'),
      dest: `${DIR}/download`,
      checksum: `sha256:${fail === 'late' ? '0'.repeat(64) : env('TSPLAY_E2E_SHA')}`,
      headers: { Authorization: secret(`Bearer ${token.reveal()}`) },
    },
    { name: 'download with a secret header', ignoreErrors: fail === 'late' },
  ),
];

// TSPLAY_E2E_NOPRINT: in --check after a rotation the files still hold the previous secret, which this run
// cannot know about; the probe that prints them is left out there so that every secret can be scanned for.
const printFiles = process.env.TSPLAY_E2E_NOPRINT
  ? []
  : [
      task(
        command,
        { cmd: sh`cat ${DIR}/token ${DIR}/token.conf ${DIR}/key.pem ${DIR}/token.service`, readOnly: true },
        { name: 'print the secret files' },
      ),
    ];

const leaks = [
  ...printFiles,
  task(
    command,
    { argv: ['echo', `token is ${token.reveal()}`, `marker ${process.env.TSPLAY_E2E_MARKER ?? ''}`], readOnly: true },
    { name: 'echo the token' },
  ),
  task(
    command,
    { cmd: sh`printf '%s\n' ${token.reveal()} >&2; echo ${token.reveal()}; exit ${fail === 'late' ? 7 : 0}` },
    { name: 'print it and maybe fail' },
  ),
];

const early =
  fail === 'early' ? [task(copy, { dest: `${DIR}/missing-dir/token`, content: token }, { name: 'Secret into a missing directory' })] : [];

const validateFails =
  fail === 'late'
    ? [
        task(
          copy,
          { dest: `${DIR}/validated`, content: token, validate: 'cat %s; exit 1' },
          { name: 'validate prints the secret and fails', ignoreErrors: true },
        ),
      ]
    : [];

export default definePlaybook({
  name: 'secrets',
  plays: [{ name: 'secrets', hosts: 'controllers', become: true, tasks: [...setup, ...early, ...validateFails, ...leaks] }],
});
