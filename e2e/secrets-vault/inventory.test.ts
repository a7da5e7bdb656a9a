/**
 * Issues 26 + 27 on the lab: a value in a group_vars file encrypted by the real `ansible-vault`
 * beside the inventory, and a `copy` source encrypted by the real `age`, reach the three hosts,
 * decrypted on the workstation. The hosts' own files prove it (sha256sum, stat: the copy without
 * mode is 0600 because its source was encrypted), and no output or state file holds a plaintext,
 * the vault password or the age identity.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab, onAllHosts } from '../helpers/lab.js';
import { INV_VAULT_DIR } from './inventory-copy.js';

const REPO = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const BIN = join(REPO, 'packages', 'cli', 'bin', 'tsplay.js');
const PLAYBOOK = join(REPO, 'e2e', 'secrets-vault', 'inventory-copy.ts');
const work = mkdtempSync(join(tmpdir(), 'tsplay-e2e-inv-vault-'));
const stateDir = join(work, 'state');
const groupToken = `grp-${randomBytes(12).toString('hex')}`;
const fileBody = `file-${randomBytes(12).toString('hex')}\nsecond line\n`;
const vaultPass = `vp-${randomBytes(12).toString('hex')}`;
const f = (n: string) => join(work, n);
const inventory = () => join(work, 'inv', 'hosts.yaml');

function tsplay(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, 'run', PLAYBOOK, '-i', inventory(), '-e', `ageSource=${f('body.age')}`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TSPLAY_STATE_DIR: stateDir, TSPLAY_PERSIST: '0', TSPLAY_AGE_IDENTITY: '' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? filesUnder(join(dir, e)) : [join(dir, e)]));
}

const needles = () => [
  groupToken,
  fileBody.split('\n')[0] as string,
  vaultPass,
  ...readFileSync(f('age.key'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('AGE-SECRET-KEY-')),
];
const keys = () => ['--vault-password-file', f('pw'), '--age-identity', f('age.key')];

beforeAll(async () => {
  if (!existsSync(join(REPO, 'packages', 'cli', 'dist', 'index.js'))) throw new Error('packages/cli is not built: run `pnpm build`');
  mkdirSync(join(work, 'inv', 'group_vars'), { recursive: true });
  copyFileSync(lab().inventoryFile, inventory());
  writeFileSync(f('pw'), `${vaultPass}\n`);
  writeFileSync(join(work, 'inv', 'group_vars', 'controllers.yml'), `groupToken: ${groupToken}\n`);
  execFileSync('ansible-vault', ['encrypt', '--vault-password-file', f('pw'), join(work, 'inv', 'group_vars', 'controllers.yml')], {
    stdio: 'pipe',
  });
  execFileSync('age-keygen', ['-o', f('age.key')], { stdio: 'pipe' });
  const recipient = execFileSync('age-keygen', ['-y', f('age.key')], { encoding: 'utf8' }).trim();
  execFileSync('age', ['-e', '-r', recipient, '-o', f('body.age')], { input: fileBody });
  await onAllHosts(`rm -rf ${INV_VAULT_DIR}`, { become: true });
});

afterAll(async () => {
  await onAllHosts(`rm -rf ${INV_VAULT_DIR}`, { become: true }).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('encrypted group_vars and copy sources on the lab', () => {
  it('without a key: INVENTORY_ENCRYPTED_VARS naming the group_vars file; nothing reaches the hosts', async () => {
    const r = tsplay(['--json']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('INVENTORY_ENCRYPTED_VARS');
    expect(r.out).toContain(join(work, 'inv', 'group_vars', 'controllers.yml'));
    const onHosts = await onAllHosts(`test -e ${INV_VAULT_DIR} && echo present || echo absent`, { become: true });
    expect(onHosts.map((h) => h.stdout.trim())).toEqual(['absent', 'absent', 'absent']);
  });

  it('with --vault-password-file and --age-identity: both land on every host (0600), printed nowhere; the second run changes nothing', async () => {
    const json = tsplay([...keys(), '--json']);
    expect(json.code, json.out).toBe(0);
    const verbose = tsplay([...keys(), '-v', '--diff']);
    expect(verbose.code, verbose.out).toBe(0);
    expect(verbose.out.match(/: ok=3  changed=0 /g), verbose.out).toHaveLength(3);
    const check = tsplay([...keys(), '--check', '--diff']);
    expect(check.code, check.out).toBe(0);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const onHosts = await onAllHosts(
      `stat -c '%a %U' ${INV_VAULT_DIR}/group ${INV_VAULT_DIR}/from-age; sha256sum ${INV_VAULT_DIR}/group ${INV_VAULT_DIR}/from-age | cut -d' ' -f1`,
      { become: true },
    );
    expect(onHosts).toHaveLength(3);
    for (const r of onHosts) expect(r.stdout.trim().split('\n')).toEqual(['600 root', '600 root', sha(groupToken), sha(fileBody)]);
    const texts = [
      ['--json output', json.out],
      ['-v --diff output', verbose.out],
      ['--check --diff output', check.out],
      ...filesUnder(stateDir).map((p) => [p, readFileSync(p, 'latin1')]),
    ] as const;
    for (const [what, text] of texts) for (const n of needles()) expect(text.includes(n), `a secret appears in ${what}`).toBe(false);
  });

  it('a wrong vault password is VAULT_DECRYPT_FAILED naming the group_vars file', () => {
    writeFileSync(f('wrong'), 'not-the-password\n');
    const r = tsplay(['--vault-password-file', f('wrong'), '--age-identity', f('age.key'), '--json']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `error[VAULT_DECRYPT_FAILED]: ${join(work, 'inv', 'group_vars', 'controllers.yml')}: no vault password given decrypts it`,
    );
    for (const n of needles()) expect(r.out.includes(n)).toBe(false);
  });
});
