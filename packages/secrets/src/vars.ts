import { isSecret, secret, TsplayError, type Secret } from '@tsplay/core';
import {
  LineCounter,
  parseDocument,
  visit,
  type DocumentOptions,
  type ParseOptions,
  type ScalarTag,
  type SchemaOptions,
  type Tags,
} from 'yaml';
import type { SecretKeys } from './keys.js';
import { decryptFile, vaultOpen, type Encryption } from './open.js';

/** An inline `!vault |` value seen while parsing, replaced by its Secret once decrypted. */
class VaultRef {
  constructor(
    readonly text: string,
    readonly line: number,
  ) {}
}

/** Ansible's `!vault` tag: kept as the envelope text, decrypted after the parse (passwords are async). */
const vaultTag: ScalarTag = { tag: '!vault', identify: () => false, resolve: (s: string) => s };
/** Ansible's `!unsafe` tag: a plain string here (tsplay never templates var values). */
const unsafeTag: ScalarTag = { tag: '!unsafe', identify: () => false, resolve: (s: string) => s };

/** Options of the YAML parse (e.g. Ansible's YAML 1.1 schema of the inventory loader); `!vault` is added to its tags. */
export type VarsYamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

function withVaultTags(o: VarsYamlOptions): VarsYamlOptions {
  const ours = [vaultTag, unsafeTag];
  const add = (tags: Tags): Tags => [...tags.filter((t) => typeof t === 'string' || !ours.some((x) => x.tag === t.tag)), ...ours];
  const ct = o.customTags;
  return { ...o, customTags: typeof ct === 'function' ? (tags) => add(ct(tags)) : add(ct ?? []) };
}

function mapValues(v: unknown, f: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => mapValues(x, f));
  if (v !== null && typeof v === 'object' && !isSecret(v) && !(v instanceof VaultRef) && Object.getPrototypeOf(v) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = mapValues(x, f);
    return o;
  }
  return f(v);
}

/**
 * Parse YAML (or JSON) vars; every inline `!vault |` value becomes a `Secret<string>`, decrypted
 * with the keys (a wrong password: VAULT_DECRYPT_FAILED naming file and line).
 */
export async function parseVarsYaml(text: string, keys: SecretKeys, file: string, yaml: VarsYamlOptions = {}): Promise<unknown> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, ...withVaultTags(yaml), lineCounter });
  const err = doc.errors[0];
  if (err)
    throw new TsplayError('VARS_INVALID', `${file}: not valid YAML: ${err.message.split('\n')[0]}`, {
      file,
      hint: 'fix the YAML syntax at the line shown',
    });
  const refs: VaultRef[] = [];
  visit(doc, {
    Scalar(_, node) {
      if (node.tag !== '!vault') return;
      const ref = new VaultRef(String(node.value), lineCounter.linePos(node.range?.[0] ?? 0).line);
      node.value = ref;
      refs.push(ref);
    },
  });
  const js = doc.toJS({ maxAliasCount: 1000 });
  const opened = new Map<VaultRef, Secret<string>>();
  for (const ref of refs) {
    const o = await vaultOpen(ref.text, keys, { file, line: ref.line });
    opened.set(ref, secret(o.plaintext.reveal().toString('utf8')));
  }
  return refs.length === 0 ? js : mapValues(js, (leaf) => (leaf instanceof VaultRef ? opened.get(leaf) : leaf));
}

/**
 * One call for a loader of vars files (group_vars, host_vars, `-e @file`, `vars_files`): the
 * file's vars, whatever it is. A plain file parses as YAML/JSON with `!vault` values as Secrets; a
 * vault- or age-encrypted file is decrypted on the workstation and every scalar in it is a Secret
 * (what was encrypted stays secret: redacted in output, never cached in clear).
 */
export async function decryptVarsFile(
  path: string,
  data: string | Buffer,
  keys: SecretKeys,
  yaml: VarsYamlOptions = {},
): Promise<{ encryption: Encryption | undefined; vars: unknown }> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const d = await decryptFile(path, bytes, keys);
  if (d.encryption === undefined) return { encryption: undefined, vars: await parseVarsYaml(bytes.toString('utf8'), keys, path, yaml) };
  const vars = await parseVarsYaml(d.bytes.reveal().toString('utf8'), keys, path, yaml);
  return {
    encryption: d.encryption,
    vars: mapValues(vars, (leaf) => (leaf === null || leaf === undefined || isSecret(leaf) ? leaf : secret(leaf))),
  };
}
