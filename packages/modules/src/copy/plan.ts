import { createHash } from 'node:crypto';
import { planContent, reveal, TsplayError, type ContentPlanData, type FactValues, type Payload, type Plan } from '../kit/index.js';
import type { CopyOptions } from './args.js';
import type { CopyFacts } from './facts.js';

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Where the new content comes from, as the shared content plan wants it. */
export function copyPayload(facts: FactValues<CopyFacts>, args: CopyOptions): Payload {
  if (args.content !== undefined) {
    const bytes = Buffer.from(reveal(args.content), 'utf8');
    return { kind: 'bytes', bytes, sha256: sha256(bytes), label: 'content' };
  }
  if (facts.local) return { kind: 'bytes', bytes: facts.local.bytes.reveal(), sha256: facts.local.sha256, label: facts.local.path };
  const r = facts.remote;
  const path = args.remoteSrc ?? '';
  if (!r?.exists || r.type !== 'file') {
    throw new TsplayError('WRITE_FAILED', `remoteSrc ${path} ${r?.exists ? 'is not a regular file' : 'does not exist on the host'}`, {
      field: 'remoteSrc',
      hint: 'an earlier task (download, unarchive, copy) must put it there first',
    });
  }
  return { kind: 'remote', path, sha256: r.sha256, size: r.size, label: path };
}

export function planCopy(facts: FactValues<CopyFacts>, args: CopyOptions): Plan<ContentPlanData> {
  return planContent(facts, args, copyPayload(facts, args));
}
