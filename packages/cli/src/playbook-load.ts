import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CORE_INSTANCE, TsplayError, isPlaybook, type Playbook } from '@tsplay/core';
import { importTs } from './loader.js';

/** Load a playbook module: its default export must be `definePlaybook(...)`. */
export async function loadPlaybook(path: string): Promise<Playbook> {
  const file = resolve(path);
  if (!existsSync(file))
    throw new TsplayError('PLAYBOOK_NOT_FOUND', `playbook ${path} does not exist`, { file, hint: 'give the path of a .ts file, e.g. playbooks/etcd.ts' });
  let mod: Record<string, unknown>;
  try {
    mod = await importTs(file);
  } catch (e) {
    const msg = (e as Error).message.split('\n').slice(0, 3).join(' ');
    throw new TsplayError('PLAYBOOK_LOAD_FAILED', `playbook failed to load: ${msg}`, {
      file,
      cause: e,
      hint: 'fix the error shown (run `pnpm typecheck` for TypeScript errors, -v for the stack)',
    });
  }
  const pb = mod.default ?? mod.playbook;
  if (!isPlaybook(pb))
    throw new TsplayError('PLAYBOOK_INVALID', 'playbook module does not default-export a playbook', {
      file,
      hint: 'end the file with `export default definePlaybook({ name, plays: [...] })`',
    });
  if (pb.core !== CORE_INSTANCE)
    throw new TsplayError('PLAYBOOK_INVALID', 'the playbook was built with another copy of @tsplay/core than the CLI', {
      file,
      hint: 'install the playbook project\'s @tsplay/* packages from the same workspace as the CLI (one copy of core)',
    });
  return pb;
}
