import { readFileSync } from 'node:fs';
import type { Inventory, ResolvedHost } from '@tsplay/core';
import type { PromptIO } from '@tsplay/secrets';

import type { Core } from './engine.js';

export interface BecomeFlags {
  askBecomePass?: boolean | undefined;
  becomePasswordFile?: string | undefined;
  becomeMethod?: string | undefined;
}

const METHODS = ['sudo', 'su', 'doas'] as const;

/** The password of -K (one hidden prompt per run) or --become-password-file (first line; `-` reads stdin). */
async function runPassword(f: BecomeFlags, core: Core, io: PromptIO | undefined): Promise<string | undefined> {
  if (f.askBecomePass && f.becomePasswordFile !== undefined)
    throw new core.TsplayError('USAGE', '-K and --become-password-file both give the become password', {
      field: '--become-password-file',
      hint: 'use one of them',
    });
  if (f.becomePasswordFile !== undefined) {
    const file = f.becomePasswordFile;
    let text: string;
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (e) {
      throw new core.TsplayError(
        'USAGE',
        `cannot read the become password file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        { field: '--become-password-file', file, hint: 'give a readable file holding the password on its first line' },
      );
    }
    return text.split(/\r?\n/)[0] ?? '';
  }
  if (!f.askBecomePass) return undefined;
  const { promptHidden } = await import('@tsplay/secrets');
  return promptHidden('BECOME password: ', io ?? { input: process.stdin, output: process.stderr }).catch((e: unknown) => {
    if (core.isTsplayError(e) && e.code === 'VAULT_PASSWORD_SOURCE')
      throw new core.TsplayError('USAGE', '-K asks for the become password on a terminal, and stdin is not one', {
        field: '--ask-become-pass',
        hint: 'give it with --become-password-file FILE (or - for stdin)',
      });
    throw e;
  });
}

/**
 * -K / --become-password-file / --become-method: set on every SSH host that has no become password
 * (or method) of its own in the inventory. The password is a Secret from here on.
 */
export async function withBecomeFlags(inv: Inventory, f: BecomeFlags, core: Core, io?: PromptIO): Promise<Inventory> {
  const method = f.becomeMethod;
  if (method !== undefined && !(METHODS as readonly string[]).includes(method))
    throw new core.TsplayError('USAGE', `--become-method must be sudo, su or doas, got ${method}`, {
      field: '--become-method',
      hint: 'e.g. --become-method doas',
    });
  const pw = await runPassword(f, core, io);
  if (pw === undefined && method === undefined) return inv;
  const password = pw === undefined ? undefined : core.secret(pw);
  const hosts = inv.hosts.map((h): ResolvedHost => {
    if (h.connection !== 'ssh') return h;
    return {
      ...h,
      ...(h.becomePassword === undefined && password !== undefined ? { becomePassword: password } : {}),
      ...(h.becomeMethod === undefined && method !== undefined ? { becomeMethod: method as ResolvedHost['becomeMethod'] } : {}),
    };
  });
  return { ...inv, hosts };
}
