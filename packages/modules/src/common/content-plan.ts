import { unsafeWrite } from '../kit/write-safety.js';
import { Secret, TsplayError, type Diff, type PathState, type Plan } from '@tsplay/core';
import type { FactValues } from '@tsplay/core/module';
import { attrChanges, attrScript, attrText, describeChanges, withAttrs, type Attrs } from './attrs.js';
import type { DestFacts, OldContent } from './content-facts.js';
import { DIFF_MAX_BYTES } from './content-facts.js';
import { diffStat } from './linediff.js';
import { rememberContent } from './known-content.js';
import { newOwnership } from './identity.js';
import { formatMode } from './mode.js';
import { hostDirname } from './paths.js';

/** What a copy/template task wants at `dest`. */
export interface ContentTarget extends Attrs {
  dest: string;
  backup: boolean;
  validate?: string | undefined;
  secret: boolean;
}

/** The new content: bytes (content, src, template) or a file already on the host (remoteSrc). */
export type Payload =
  | { kind: 'bytes'; bytes: Buffer; sha256: string; label: string }
  | { kind: 'remote'; path: string; sha256: string | undefined; size: number | undefined; label: string };

export interface ContentPlanData {
  /** Write new content (else only fix attributes). */
  write: boolean;
  /** Attributes of the written file. */
  attrs: Attrs;
  /** chown/chmod for an attribute-only change. */
  attrScript: string;
  /** Keep a copy of the old file first. */
  backup: boolean;
  /** The bytes to write; a Secret so JSON output of the plan never shows them. */
  bytes?: Secret<Buffer> | undefined;
  remoteSrc?: string | undefined;
  /** sha256 of dest after the task (undefined when not known before the run). */
  sha256: string | undefined;
}

export const DEFAULT_MODE = 0o644;
export const DEFAULT_SECRET_MODE = 0o600;

function oldText(old: OldContent | undefined, dest: PathState): string {
  if (!dest.exists) return '';
  if (dest.type !== 'file')
    return `<${dest.type === 'dir' ? 'directory' : dest.type === 'link' ? `link to ${dest.target ?? '?'}` : 'special file'}>`;
  switch (old?.kind) {
    case 'text':
      return old.text;
    case 'binary':
      return `<binary file, ${old.size} bytes, sha256 ${dest.sha256 ?? '?'}>`;
    case 'large':
      return `<${old.size} bytes, sha256 ${dest.sha256 ?? '?'}>`;
    default:
      return '<content not known in check mode (written by an earlier task)>';
  }
}

function newText(p: Payload): string {
  if (p.kind === 'remote') return `<copy of ${p.path}, sha256 ${p.sha256 ?? 'not known yet'}>`;
  if (p.bytes.length > DIFF_MAX_BYTES) return `<${p.bytes.length} bytes, sha256 ${p.sha256}>`;
  if (p.bytes.includes(0)) return `<binary file, ${p.bytes.length} bytes, sha256 ${p.sha256}>`;
  return p.bytes.toString('utf8');
}

/**
 * Pure: compare the wanted content and attributes with the facts of dest. A change the safe write would
 * refuse (a directory above dest that another user can change) fails with its UNSAFE_PATH, in check mode too.
 */
export function planContent(facts: FactValues<DestFacts>, t: ContentTarget, p: Payload): Plan<ContentPlanData> {
  const plan = planContentChange(facts, t, p);
  const refused = plan.changed && plan.data ? unsafeWrite(facts, t.dest, plan.data.attrs.owner) : undefined;
  if (refused) throw refused;
  return plan;
}

function planContentChange(facts: FactValues<DestFacts>, t: ContentTarget, p: Payload): Plan<ContentPlanData> {
  // destFacts probes dest's old text with its state (`dest.old`); a hand-made DestFacts may give it as `old`
  const { old: probedOld, ...d } = facts.dest;
  const old = facts.old ?? probedOld;
  if (d.exists && d.type === 'dir') {
    throw new TsplayError('WRITE_FAILED', `${t.dest} is a directory`, {
      field: 'dest',
      hint: 'give the full path of the file to write, including its name',
    });
  }
  if (!d.exists && (!facts.parent.exists || facts.parent.type === 'file')) {
    throw new TsplayError('WRITE_FAILED', `cannot write ${t.dest}: directory ${hostDirname(t.dest)} does not exist`, {
      field: 'dest',
      hint: "create it first with a file task (state: 'directory')",
    });
  }
  const isFile = d.exists && d.type === 'file';
  const write = !isFile || d.sha256 === undefined || p.sha256 === undefined || d.sha256 !== p.sha256;
  const want: Attrs = { mode: t.mode, owner: t.owner, group: t.group };
  const label = t.secret ? 'secret content' : p.label;
  const diff: Diff[] = [];
  let summary: string;
  let attrs: Attrs = want;
  let script = '';
  if (write) {
    // Written secret content is 0600 unless a mode is given, whatever the old file's mode was (a later
    // task may still change the mode: an unchanged secret is not re-chmodded).
    const mode = t.mode ?? (t.secret ? DEFAULT_SECRET_MODE : isFile ? d.mode : undefined) ?? DEFAULT_MODE;
    attrs = { mode, owner: t.owner ?? (isFile ? d.owner : undefined), group: t.group ?? (isFile ? d.group : undefined) };
    const before = oldText(old, d);
    const after = newText(p);
    diff.push(t.secret ? { path: t.dest, before: d.exists ? '<secret>' : '', after: '<secret>' } : { path: t.dest, before, after });
    if (!isFile) {
      const size = p.kind === 'bytes' ? `${p.bytes.length} bytes, ` : '';
      summary = `would ${d.exists ? 'replace' : 'create'} ${t.dest} from ${label} (${size}mode ${formatMode(mode)})`;
    } else {
      const known = !t.secret && old?.kind === 'text' && p.kind === 'bytes' && !after.startsWith('<');
      const stat = known ? diffStat(before, after) : undefined;
      summary = `would update ${t.dest} from ${label}${stat ? ` (+${stat.added} -${stat.removed} lines)` : ' (content differs)'}`;
      const changes = attrChanges(d, attrs);
      if (changes.length) summary += `; ${describeChanges(changes)}`;
    }
    if (t.backup && isFile) summary += '; old file kept as a backup';
  } else {
    const changes = attrChanges(d, want);
    if (changes.length === 0) {
      return {
        changed: false,
        summary: `${t.dest} is up to date`,
        data: { write: false, attrs: want, attrScript: '', backup: false, sha256: d.sha256 },
      };
    }
    summary = `${t.dest}: ${describeChanges(changes)}`;
    // The safe write sets them as dest's owner when the directory is theirs: name the current owner when none is given.
    attrs = { ...want, owner: want.owner ?? d.owner };
    script = attrScript(t.dest, changes, want);
    diff.push({ path: t.dest, before: attrText(d, want), after: attrText(withAttrs(d, want), want) });
  }
  if (p.kind === 'bytes' && !t.secret) rememberContent(p.bytes, p.sha256);
  const fresh = newOwnership(facts.me, facts.parent);
  const after: PathState = withAttrs(
    { exists: true, type: 'file', sha256: p.sha256, size: p.kind === 'bytes' ? p.bytes.length : p.size, ...fresh },
    attrs,
  );
  if (!write) Object.assign(after, withAttrs(d, want));
  return {
    changed: true,
    summary,
    diff,
    predict: { paths: { [t.dest]: after } },
    data: {
      write,
      attrs,
      attrScript: script,
      backup: write && t.backup && isFile,
      bytes: p.kind === 'bytes' ? new Secret(p.bytes) : undefined,
      remoteSrc: p.kind === 'remote' ? p.path : undefined,
      sha256: p.sha256,
    },
  };
}
