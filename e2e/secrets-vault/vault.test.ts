/**
 * Issue 27 (secrets) on the lab: vars encrypted by the real `ansible-vault` and `age` reach the hosts
 * through `tsplay run -e @file`, decrypted on the workstation; the hosts' own files prove the content
 * (sha256sum, stat), and no output, event or state file holds a decrypted value, the vault password or
 * the age identity. A wrong password is a coded error naming the file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab, onAllHosts } from '../helpers/lab.js';
import { VAULT_DIR } from './vault-copy.js';

const REPO = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const BIN = join(REPO, 'packages', 'cli', 'bin', 'tsplay.js');
const PLAYBOOK = join(REPO, 'e2e', 'secrets-vault', 'vault-copy.ts');
const work = mkdtempSync(join(tmpdir(), 'tsplay-e2e-vault-'));
const stateDir = join(work, 'state');
const dbPassword = `db-${randomBytes(12).toString('hex')}`;
const apiKey = `api-${randomBytes(12).toString('hex')}`;
const vaultPass = `vp-${randomBytes(12).toString('hex')}`;
const f = (n: string) => join(work, n);

function tsplay(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, 'run', PLAYBOOK, '-i', lab().inventoryFile, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TSPLAY_STATE_DIR: stateDir, TSPLAY_PERSIST: '0' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? filesUnder(join(dir, e)) : [join(dir, e)]));
}

const needles = () => [
  dbPassword,
  apiKey,
  vaultPass,
  ...readFileSync(f('age.key'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('AGE-SECRET-KEY-')),
];

beforeAll(async () => {
  if (!existsSync(join(REPO, 'packages', 'cli', 'dist', 'index.js'))) throw new Error('packages/cli is not built: run `pnpm build`');
  writeFileSync(f('pw'), `${vaultPass}\n`);
  writeFileSync(f('vault.yml'), `dbPassword: ${dbPassword}\n`);
  execFileSync('ansible-vault', ['encrypt', '--vault-id', `prod@${f('pw')}`, f('vault.yml')], { stdio: 'pipe' });
  execFileSync('age-keygen', ['-o', f('age.key')], { stdio: 'pipe' });
  const recipient = execFileSync('age-keygen', ['-y', f('age.key')], { encoding: 'utf8' }).trim();
  writeFileSync(f('api.yml'), `apiKey: ${apiKey}\n`);
  execFileSync('age', ['-e', '-r', recipient, '-o', f('api.yml.age'), f('api.yml')]);
  rmSync(f('api.yml'));
  await onAllHosts(`rm -rf ${VAULT_DIR}`, { become: true });
});

afterAll(async () => {
  await onAllHosts(`rm -rf ${VAULT_DIR}`, { become: true }).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('vault and age vars on the lab', () => {
  it('-e @vault.yml and -e @file.age put the decrypted values on every host (0600), printed nowhere', async () => {
    const keys = [
      '-e',
      `@${f('vault.yml')}`,
      '-e',
      `@${f('api.yml.age')}`,
      '--vault-id',
      `prod@${f('pw')}`,
      '--age-identity',
      f('age.key'),
    ];
    const json = tsplay([...keys, '--json']);
    expect(json.code, json.out).toBe(0);
    const verbose = tsplay([...keys, '-v', '--diff']);
    expect(verbose.code, verbose.out).toBe(0);
    expect(verbose.out.match(/: ok=3  changed=0 /g), verbose.out).toHaveLength(3);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const onHosts = await onAllHosts(
      `stat -c '%a %U' ${VAULT_DIR}/db ${VAULT_DIR}/api; sha256sum ${VAULT_DIR}/db ${VAULT_DIR}/api | cut -d' ' -f1`,
      { become: true },
    );
    for (const r of onHosts) expect(r.stdout.trim().split('\n')).toEqual(['600 root', '600 root', sha(dbPassword), sha(apiKey)]);
    for (const [what, text] of [
      ['--json output', json.out],
      ['-v --diff output', verbose.out],
      ...filesUnder(stateDir).map((p) => [p, readFileSync(p, 'latin1')]),
    ] as const)
      for (const n of needles()) expect(text.includes(n), `a secret appears in ${what}`).toBe(false);
  });

  it('a wrong vault password is VAULT_DECRYPT_FAILED naming the file; nothing runs, nothing leaks', () => {
    writeFileSync(f('wrong'), 'not-the-password\n');
    const r = tsplay(['-e', `@${f('vault.yml')}`, '--vault-id', `prod@${f('wrong')}`, '--json']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`error[VAULT_DECRYPT_FAILED]: ${f('vault.yml')}: no vault password given decrypts it (vault id prod)`);
    const cipherLine = readFileSync(f('vault.yml'), 'utf8').split('\n')[1] as string;
    for (const n of [...needles(), cipherLine.slice(0, 20)]) expect(r.out.includes(n)).toBe(false);
    const noKey = tsplay(['-e', `@${f('api.yml.age')}`, '--json']);
    expect([noKey.code, /error\[AGE_NO_IDENTITY\]/.test(noKey.out)]).toEqual([1, true]);
  });
});
