import { currentText, planTextFile, type ContentPlanData, type ContentTarget, type FactValues, type Plan } from '../kit/index.js';
import { fromLines, toLines } from '../common/lines.js';
import type { SysctlOptions } from './args.js';
import type { SysctlFacts } from './facts.js';

export interface SysctlPlanData {
  content: ContentPlanData | undefined;
  /** Run `sysctl -p FILE` after writing. */
  reload: boolean;
}

export const sysctlTarget = (a: SysctlOptions): ContentTarget => ({ dest: a.file, backup: false, secret: false, mode: 0o644 });

const keyOf = (line: string): string | undefined => /^\s*([^#;=\s][^=\s]*)\s*=/.exec(line)?.[1]?.replace(/\//g, '.');

/** Pure: the file's new text: `name = value` replacing the key's lines, or without them. */
export function editSysctl(text: string | undefined, a: SysctlOptions): string | undefined {
  const l = toLines(text);
  const key = a.name.replace(/\//g, '.');
  const others = l.lines.filter((s) => keyOf(s) !== key);
  if (a.state === 'absent') return text === undefined || others.length === l.lines.length ? text : fromLines({ lines: others, eol: true });
  const want = `${a.name} = ${a.value ?? ''}`;
  const i = l.lines.findIndex((s) => keyOf(s) === key);
  if (i >= 0 && l.lines[i] === want && others.length === l.lines.length - 1) return text;
  const lines = [...others];
  lines.splice(i >= 0 ? i : lines.length, 0, want);
  return fromLines({ lines, eol: true });
}

/** Pure: the file is the managed state; the live value is set too when `reload` (and reading it is allowed). */
export function planSysctl(facts: FactValues<SysctlFacts>, a: SysctlOptions): Plan<SysctlPlanData> {
  const next = editSysctl(currentText(facts, a.file, 'file'), a);
  const file = next === undefined ? undefined : planTextFile(facts, sysctlTarget(a), next, 'sysctl');
  const liveDiffers = a.reload && a.state === 'present' && facts.live !== a.value;
  if (!file?.changed && !liveDiffers)
    return { changed: false, summary: `${a.name} is ${a.state === 'present' ? a.value : 'absent from ' + a.file}` };
  const summary = [
    file?.changed ? file.summary : undefined,
    liveDiffers ? `would set ${a.name} ${facts.live ?? '(unset)'} -> ${a.value}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  return {
    changed: true,
    summary,
    diff: file?.diff,
    predict: file?.predict,
    data: {
      content: file?.changed ? file.data : undefined,
      reload: a.reload && (liveDiffers || file?.changed === true) && a.state === 'present',
    },
  };
}
