import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TsplayError } from '@tsplay/core';
import type { Argv, CommandModule } from 'yargs';
import { GITIGNORE, SITE, TSCONFIG, hostsYaml, packageJson, type InitVersions } from '../init/templates.js';
import { cliPackageRoot } from '../paths.js';

const cliVersion = (): string => (JSON.parse(readFileSync(join(cliPackageRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** The versions `tsplay init` writes: this CLI's own for the @tsplay packages. */
export function initVersions(): InitVersions {
  const v = `^${cliVersion()}`;
  return {
    tsplay: { '@tsplay/core': v, '@tsplay/modules': v, '@tsplay/cli': v },
    zod: '^4.0.0',
    typescript: '^5.9.0',
    typesNode: '^20.19.0',
  };
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
}

/** `tsplay init [DIR]`: scaffold a project. Refuses to overwrite any file that exists. Returns the files written. */
export function initProject(dir: string): string[] {
  const root = resolve(dir);
  const name =
    basename(root)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+/, '') || 'tsplay-project';
  const files: Record<string, string> = {
    'package.json': packageJson(name, initVersions()),
    'tsconfig.json': TSCONFIG,
    'playbooks/site.ts': SITE,
    'inventories/local/hosts.yaml': hostsYaml(join(root, 'out')),
    '.gitignore': GITIGNORE,
  };
  const existing = Object.keys(files).filter((f) => existsSync(join(root, f)));
  if (existing.length > 0)
    throw new TsplayError('INIT_EXISTS', `${root} already has ${existing.join(', ')}`, {
      file: root,
      hint: 'run tsplay init in an empty directory, or give a new one: tsplay init my-infra',
    });
  for (const [f, text] of Object.entries(files)) writeAtomic(join(root, f), text);
  return Object.keys(files);
}

export const initCommandModule: CommandModule = {
  command: 'init [dir]',
  describe: 'scaffold a project: package.json, tsconfig, playbooks/site.ts, inventories/local',
  builder: (y: Argv) => y.positional('dir', { type: 'string', default: '.', describe: 'project directory (made if missing)' }),
  handler: (argv: Record<string, unknown>) => {
    const dir = String(argv.dir ?? '.');
    const files = initProject(dir);
    const cd = resolve(dir) === process.cwd() ? '' : `cd ${dir} && `;
    process.stdout.write(
      `${files.map((f) => `created ${f}`).join('\n')}\nnext: ${cd}npm install && npx tsplay check-types && npx tsplay run playbooks/site.ts -i inventories/local\n`,
    );
  },
};
