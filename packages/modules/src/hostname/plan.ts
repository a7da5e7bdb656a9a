import { currentText, planTextFile, type ContentPlanData, type ContentTarget, type FactValues, type Plan } from '../kit/index.js';
import type { HostnameOptions } from './args.js';
import { HOSTNAME_FILE, type HostnameFacts } from './facts.js';

export interface HostnamePlanData {
  content: ContentPlanData | undefined;
  setLive: boolean;
}

export const hostnameTarget: ContentTarget = { dest: HOSTNAME_FILE, backup: false, secret: false };

/** Pure: /etc/hostname holds exactly the name; the live name follows with `live`. */
export function planHostname(facts: FactValues<HostnameFacts>, a: HostnameOptions): Plan<HostnamePlanData> {
  const text = currentText(facts, HOSTNAME_FILE, 'name');
  const file = text?.trim() === a.name && text.endsWith('\n') ? undefined : planTextFile(facts, hostnameTarget, `${a.name}\n`, 'hostname');
  const setLive = a.live && facts.live !== a.name;
  if (!file?.changed && !setLive) return { changed: false, summary: `hostname is ${a.name}` };
  return {
    changed: true,
    summary: [file?.changed ? file.summary : undefined, setLive ? `would set the running host name ${facts.live} -> ${a.name}` : undefined]
      .filter(Boolean)
      .join('; '),
    diff: [{ path: 'hostname', before: `${facts.live}\n`, after: `${a.name}\n` }, ...(file?.diff ?? [])],
    predict: file?.predict,
    data: { content: file?.changed ? file.data : undefined, setLive },
  };
}
