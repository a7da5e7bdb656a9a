import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { TsplayError } from '@tsplay/core';
import type { CommandModule } from 'yargs';
import { bundleDir, cliPackageRoot } from '../paths.js';

/** The project: the nearest directory above `from` with tsconfig.playbooks.json or package.json. */
export function projectRoot(from: string): string | undefined {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, 'tsconfig.playbooks.json')) || existsSync(join(d, 'package.json'))) return d;
    if (d === dirname(d)) return undefined;
  }
}

/** tsc of the project (its node_modules, walking up), else none. */
export function findTsc(root: string): string | undefined {
  for (let d = root; ; d = dirname(d)) {
    const tsc = join(d, 'node_modules', 'typescript', 'bin', 'tsc');
    if (existsSync(tsc)) return tsc;
    if (d === dirname(d)) return undefined;
  }
}

/** The config to check: the project's tsconfig.playbooks.json or tsconfig.json, else the shipped preset over playbooks/ and inventories/. */
export function checkConfig(root: string): string {
  for (const f of ['tsconfig.playbooks.json', 'tsconfig.json']) if (existsSync(join(root, f))) return join(root, f);
  const preset = join(cliPackageRoot(), 'tsconfig.playbooks.json');
  const cfg = { extends: preset, include: [join(root, 'playbooks/**/*.ts'), join(root, 'inventories/**/*.ts')] };
  const file = join(bundleDir(), `tsconfig-${createHash('sha1').update(root).digest('hex').slice(0, 12)}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(cfg, null, 2));
  renameSync(`${file}.${process.pid}.tmp`, file);
  return file;
}

/** `tsplay check-types`: `tsc --noEmit` over the project's playbooks and inventories; resolves to the exit code. */
export function checkTypes(cwd: string): number {
  const root = projectRoot(cwd);
  if (!root)
    throw new TsplayError('USAGE', `no package.json or tsconfig.playbooks.json in ${cwd} or above`, {
      file: cwd,
      hint: 'run it in a tsplay project (`tsplay init` makes one)',
    });
  const tsc = findTsc(root);
  if (!tsc)
    throw new TsplayError('TYPESCRIPT_MISSING', `TypeScript is not installed in ${root}`, {
      file: root,
      hint: 'add it to the project: npm install --save-dev typescript @types/node',
    });
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', checkConfig(root)], { stdio: 'inherit', cwd: root });
  return r.status === 0 ? 0 : 1;
}

export const checkTypesCommandModule = (setExit: (code: number) => void): CommandModule => ({
  command: 'check-types',
  describe: "type-check the project's playbooks and inventories (tsc --noEmit, with the shipped tsconfig preset)",
  handler: () => {
    setExit(checkTypes(process.cwd()));
  },
});
