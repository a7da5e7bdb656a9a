import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Playbook } from '@tsplay/core';
import { type Core, sameProtocol } from './engine.js';
import { importTs } from './loader.js';

/** Load a playbook module: its default export must be `definePlaybook(...)` of a core that speaks the engine's protocol. */
export async function loadPlaybook(path: string, core: Core): Promise<Playbook> {
  const { TsplayError } = core;
  const file = resolve(path);
  if (!existsSync(file))
    throw new TsplayError('PLAYBOOK_NOT_FOUND', `playbook ${path} does not exist`, {
      file,
      hint: 'give the path of a .ts file, e.g. playbooks/site.ts',
    });
  let mod: Record<string, unknown>;
  try {
    mod = await importTs(file);
  } catch (e) {
    const msg = (e as Error).message.split('\n').slice(0, 3).join(' ');
    throw new TsplayError('PLAYBOOK_LOAD_FAILED', `playbook failed to load: ${msg}`, {
      file,
      cause: e,
      hint: 'fix the error shown (`tsplay check-types` shows TypeScript errors, -v the stack)',
    });
  }
  const pb = mod.default ?? mod.playbook;
  if (!core.isPlaybook(pb))
    throw new TsplayError('PLAYBOOK_INVALID', 'playbook module does not default-export a playbook', {
      file,
      hint: 'end the file with `export default definePlaybook({ name, plays: [...] })`',
    });
  if (!sameProtocol(pb.core, core.CORE_INSTANCE))
    throw new TsplayError(
      'PLAYBOOK_INVALID',
      "the playbook was built with a copy of @tsplay/core that does not speak the engine's protocol",
      {
        file,
        hint: 'install one version of the @tsplay/* packages in the project (`npm ls @tsplay/core` shows the copies)',
      },
    );
  return pb;
}
