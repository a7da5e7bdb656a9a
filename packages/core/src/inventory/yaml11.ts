import { type DocumentOptions, LineCounter, type ParseOptions, parseDocument, type SchemaOptions, type ScalarTag, visit } from 'yaml';
import { TsplayError } from '../errors.js';

/**
 * YAML as Ansible reads it (PyYAML, YAML 1.1): `0755` is octal 493, `08` a string, `yes/no/on/off`
 * booleans (`y`/`n` stay strings), `1:30` base 60, `1e3` a string but `1.0e+3` a float, dates as
 * their ISO text. Only plain scalars are resolved; quoted ones are strings.
 */
const T = 'tag:yaml.org,2002:';
const tag = (name: string, test: RegExp, resolve: (s: string) => unknown): ScalarTag => ({
  tag: T + name,
  default: true,
  test,
  resolve,
  identify: () => false,
});

const sexagesimal = (s: string, parse: (x: string) => number) => s.split(':').reduce((acc, part) => acc * 60 + parse(part), 0);

function pyInt(raw: string): number {
  let s = raw.replace(/_/g, '');
  const sign = s.startsWith('-') ? -1 : 1;
  if (/^[-+]/.test(s)) s = s.slice(1);
  if (s === '0') return 0;
  if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
  if (s.startsWith('0')) return sign * parseInt(s, 8);
  if (s.includes(':')) return sign * sexagesimal(s, Number);
  return sign * Number(s);
}

function pyFloat(raw: string): number {
  let s = raw.replace(/_/g, '').toLowerCase();
  const sign = s.startsWith('-') ? -1 : 1;
  if (/^[-+]/.test(s)) s = s.slice(1);
  if (s === '.inf') return sign * Number.POSITIVE_INFINITY;
  if (s === '.nan') return Number.NaN;
  if (s.includes(':')) return sign * sexagesimal(s, Number);
  return sign * Number(s);
}

/** PyYAML's timestamp as Ansible's JSON prints it (`date.isoformat()` / `datetime.isoformat()`). */
function pyTimestamp(s: string): string {
  const m = /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.(\d*))?(?:[ \t]*(Z|([-+])(\d\d?)(?::(\d\d))?))?)?$/.exec(
    s,
  );
  if (!m) return s;
  const p2 = (x: string | undefined) => (x ?? '0').padStart(2, '0');
  const date = `${m[1]}-${p2(m[2])}-${p2(m[3])}`;
  if (m[4] === undefined) return date;
  const frac = m[7] ? `.${m[7].slice(0, 6).padEnd(6, '0')}` : '';
  const tz = m[8] === undefined ? '' : m[8] === 'Z' ? '+00:00' : `${m[9]}${p2(m[10])}:${p2(m[11])}`;
  return `${date}T${p2(m[4])}:${m[5]}:${m[6]}${frac === '.000000' ? '' : frac}${tz}`;
}

const PY_TAGS: ScalarTag[] = [
  tag('null', /^(?:~|null|Null|NULL|)$/, () => null),
  tag('bool', /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/, () => true),
  tag('bool', /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/, () => false),
  tag('int', /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/, pyInt),
  tag(
    'float',
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    pyFloat,
  ),
  tag(
    'timestamp',
    /^(?:\d{4}-\d\d-\d\d|\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)$/,
    pyTimestamp,
  ),
  { tag: '!unsafe', resolve: (s: string) => s, identify: () => false },
];

const RESOLVED = new Set(['null', 'bool', 'int', 'float', 'timestamp'].map((n) => T + n));

/** Ansible's YAML 1.1 rules as `yaml` options: a decryptor of vars files parses with them (adding `!vault`). */
export const YAML11_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: false,
  merge: true,
  customTags: (tags) => [
    ...tags.filter((t) => (typeof t === 'string' ? !/^(?:null|bool|int|float|timestamp)/.test(t) : !RESOLVED.has(t.tag))),
    ...PY_TAGS,
  ],
};

/** Parse YAML the way Ansible's loader does; a syntax error is INVENTORY_INVALID naming the file and line. */
export function parseYaml11(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...YAML11_OPTIONS, lineCounter });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0].line;
    throw new TsplayError('INVENTORY_INVALID', `${file}${line ? `:${line}` : ''}: not valid YAML: ${err.message.split('\n')[0]}`, {
      file,
      ...(line ? { field: `line ${line}` } : {}),
      hint: 'fix the YAML syntax at the line shown',
    });
  }
  visit(doc, {
    Scalar(_key, node) {
      if (node.tag !== '!vault') return;
      const at = node.range ? lineCounter.linePos(node.range[0]).line : undefined;
      throw new TsplayError(
        'INVENTORY_ENCRYPTED_VARS',
        `${file}${at ? `:${at}` : ''}: a !vault value, and no vault password to decrypt it`,
        {
          file,
          ...(at ? { field: `line ${at}` } : {}),
          hint: 'give --vault-password-file FILE, --vault-id label@FILE or --ask-vault-pass',
        },
      );
    },
  });
  return doc.toJS({ maxAliasCount: -1 });
}
