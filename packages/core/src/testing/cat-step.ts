import type { ApplyStep } from '../module.js';
import { quote } from '../sh.js';

/** A test module's step: `text` into `path` by `cat` (consecutive steps apply in one exec); `what failed: stderr` when it fails. */
export const catStep = (path: string, text: string, what: string): ApplyStep => ({
  script: `cat > ${quote(path)}`,
  stdin: text,
  done: (r) => (r.code === 0 ? {} : { failed: true, msg: `${what} failed: ${r.stderr.trim()}` }),
});
