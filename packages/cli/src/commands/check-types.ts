import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CommandModule } from 'yargs';

function findRoot(from: string): string | undefined {
  let d = from;
  while (d !== dirname(d)) {
    if (existsSync(join(d, 'tsconfig.playbooks.json'))) return d;
    d = dirname(d);
  }
  return undefined;
}

/** `tsplay check-types`: `tsc --noEmit` over playbooks and inventories with the shipped tsconfig. */
export const checkTypesCommandModule = (setExit: (code: number) => void): CommandModule => ({
  command: 'check-types',
  describe: 'type-check playbooks and inventories (tsc --noEmit -p tsconfig.playbooks.json)',
  handler: () => {
    const root = findRoot(process.cwd());
    if (!root) {
      process.stderr.write('error[USAGE]: no tsconfig.playbooks.json above this directory\n  hint: run it in a tsplay project\n');
      setExit(1);
      return;
    }
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(root, 'tsconfig.playbooks.json')], { stdio: 'inherit' });
    setExit(r.status === 0 ? 0 : 1);
  },
});
