import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Inventory, ResolvedHost } from '@tsplay/core';
import type { StepAnswer, StepPrompt } from '@tsplay/core/engine';
import type { Core } from './engine.js';
import type { SecretFlags } from './commands/secrets.js';

/** `--wait-lock 30s | 2m | 1500ms | 0` -> milliseconds. */
export function parseDuration(text: string, core: Pick<Core, 'TsplayError'>, field = '--wait-lock'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m)
    throw new core.TsplayError('USAGE', `${field} ${JSON.stringify(text)} is not a duration`, {
      field,
      hint: 'write e.g. 30s, 2m, 1500ms or 0',
    });
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

/** Colours: --color/--no-color, else NO_COLOR (any value) off, FORCE_COLOR (not 0) on, else on a terminal. */
export function shouldColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY;
}

/** Vars-file text that needs @tsplay/secrets: a vault envelope (whole file or inline `!vault`) or an age file. */
const ENCRYPTED = /\$ANSIBLE_VAULT;|^age-encryption\.org\/v1\n|-----BEGIN AGE ENCRYPTED FILE-----/m;

/**
 * `-e k=v` and `-e @vars.yml` / `-e @vars.json`, applied in order (later wins, top-level keys).
 * A vault- or age-encrypted file, or one with `!vault` values, is decrypted with the run's keys.
 */
export async function extraVarsFrom(items: readonly string[], core: Core, secrets: SecretFlags = {}): Promise<Record<string, unknown>> {
  let out: Record<string, unknown> = {};
  for (const item of items) {
    if (!item.startsWith('@')) {
      out = { ...out, ...core.parseExtraVars([item]) };
      continue;
    }
    const file = resolve(item.slice(1));
    let data: unknown;
    try {
      const bytes = readFileSync(file);
      const text = bytes.toString('utf8');
      if (ENCRYPTED.test(text)) data = await (await import('./commands/secrets.js')).secretVarsFile(file, bytes, secrets);
      else data = file.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text);
    } catch (e) {
      if (core.isTsplayError(e)) throw e;
      throw new core.TsplayError('EXTRA_VAR_INVALID', `-e ${item}: ${(e as Error).message.split('\n')[0]}`, {
        field: '-e',
        file,
        cause: e,
        hint: 'give -e @FILE a readable YAML or JSON file',
      });
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new core.TsplayError('EXTRA_VAR_INVALID', `-e ${item} must hold a mapping of var names to values`, {
        field: '-e',
        file,
        hint: 'e.g. `etcdVersion: 3.4.15` on its own line',
      });
    out = { ...out, ...(data as Record<string, unknown>) };
  }
  return out;
}

/** `-u`, `--private-key`, `--ssh-config`: set on every SSH host of the inventory. */
export function withConnectionFlags(
  inv: Inventory,
  f: { user?: string | undefined; privateKey?: string | undefined; sshConfig?: string | undefined },
): Inventory {
  if (!f.user && !f.privateKey && !f.sshConfig) return inv;
  const hosts = inv.hosts.map((h): ResolvedHost => {
    if (h.connection !== 'ssh') return h;
    return {
      ...h,
      ...(f.user ? { user: f.user } : {}),
      ...(f.privateKey ? { privateKeyPath: resolve(f.privateKey) } : {}),
      ...(f.sshConfig ? { sshConfigFile: resolve(f.sshConfig) } : {}),
    };
  });
  return { ...inv, hosts };
}

/** `--step`: "Perform task: NAME? (y)es/(n)o/(c)ontinue" on the terminal; an empty answer is no (as in Ansible). */
export function terminalStep(input: NodeJS.ReadStream, output: NodeJS.WriteStream): StepPrompt {
  return async (t) => {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input, output });
    try {
      for (;;) {
        const a = (await rl.question(`Perform task: ${t.task}? (y)es/(n)o/(c)ontinue: `)).trim().toLowerCase();
        const answer: StepAnswer | undefined =
          a === 'y' || a === 'yes'
            ? 'yes'
            : a === 'n' || a === 'no' || a === ''
              ? 'no'
              : a === 'c' || a === 'continue'
                ? 'continue'
                : undefined;
        if (answer) return answer;
      }
    } finally {
      rl.close();
    }
  };
}
