import { fromLines, toLines } from '../common/lines.js';
import {
  currentText,
  hostDirname,
  planTextFile,
  TsplayError,
  type ContentPlanData,
  type ContentTarget,
  type FactValues,
  type PathState,
  type Plan,
} from '../kit/index.js';
import { defaultHome, keyId, keysPath, type AuthorizedKeyOptions } from './args.js';
import type { AuthorizedKeyFacts } from './facts.js';

export interface AuthorizedKeyPlanData {
  content: ContentPlanData;
  /** Create the .ssh directory first (mode 0700, owned by the user). */
  mkdir: { path: string; owner: string; group: string } | undefined;
}

export const keysTarget = (a: AuthorizedKeyOptions, group: string): ContentTarget => ({
  dest: keysPath(a),
  backup: false,
  secret: false,
  mode: 0o600,
  owner: a.user,
  group,
});

/** Pure: the file's new text with the key added (or removed; `exclusive`: only this key). */
export function editKeys(text: string | undefined, a: AuthorizedKeyOptions): string | undefined {
  const id = keyId(a.key);
  const l = toLines(text);
  const others = l.lines.filter((s) => keyId(s) !== id);
  const kept = a.exclusive ? others.filter((s) => keyId(s) === undefined && s.trim() !== '') : others;
  if (a.state === 'absent') return kept.length === l.lines.length ? text : fromLines({ lines: kept, eol: true });
  const i = l.lines.findIndex((s) => keyId(s) === id);
  if (i >= 0 && l.lines[i] === a.key && kept.length === l.lines.length - 1) return text;
  return fromLines({ lines: [...kept, a.key], eol: true });
}

/** Pure: plan the file (0600, owned by the user) and, when missing, its directory (0700). */
export function planAuthorizedKey(facts: FactValues<AuthorizedKeyFacts>, a: AuthorizedKeyOptions): Plan<AuthorizedKeyPlanData> {
  const acct = facts.account;
  if (!acct.exists)
    throw new TsplayError('USER_MISSING', `user ${a.user} does not exist`, { field: 'user', hint: 'create it first with a user task' });
  if (a.path === undefined && acct.home !== undefined && acct.home !== defaultHome(a.user)) {
    throw new TsplayError('ARGS_INVALID', `the home of ${a.user} is ${acct.home}, not ${defaultHome(a.user)}`, {
      field: 'path',
      hint: `give path: '${acct.home}/.ssh/authorized_keys'`,
    });
  }
  const group = acct.group ?? a.user;
  const dir = hostDirname(keysPath(a));
  const next = editKeys(currentText(facts, keysPath(a), 'path'), a);
  if (next === undefined) return { changed: false, summary: `${keysPath(a)} does not exist (nothing to remove)` };
  const needDir = !facts.parent.exists;
  const dirState: PathState = { exists: true, type: 'dir', mode: 0o700, owner: a.user, group };
  const file = planTextFile(
    needDir ? { ...facts, parent: dirState } : facts,
    keysTarget(a, group),
    next,
    `key ${a.key.split(/\s+/).slice(2).join(' ') || (keyId(a.key)?.split(' ')[0] ?? '')}`,
  );
  if (!file.changed || !file.data) return { changed: false, summary: file.summary };
  return {
    ...file,
    summary: needDir ? `would create ${dir} (mode 0700); ${file.summary}` : file.summary,
    predict: { paths: { ...(needDir ? { [dir]: dirState } : {}), ...file.predict?.paths } },
    data: { content: file.data, mkdir: needDir ? { path: dir, owner: a.user, group } : undefined },
  };
}
