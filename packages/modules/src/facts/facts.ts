import { defineFact } from '../kit/index.js';
import { parseHostFacts } from './parse.js';

const SCRIPT = [
  'echo "== os"; uname -s',
  'echo "== kernel"; uname -r',
  'echo "== arch"; uname -m',
  'echo "== cpus"; nproc 2>/dev/null || getconf _NPROCESSORS_ONLN',
  'echo "== meminfo"; grep -E "^(MemTotal|MemAvailable):" /proc/meminfo',
  'echo "== hostname"; hostname',
  'echo "== fqdn"; hostname -f 2>/dev/null || true',
  'echo "== osrelease"; cat /etc/os-release 2>/dev/null || true',
  'echo "== addr"; ip -o addr 2>/dev/null || true',
  'echo "== link"; ip -o link 2>/dev/null || true',
].join('\n');

/**
 * The host's facts in one probe (batched with the task's other facts, cached by key for the run
 * until a task changes the host): OS, distribution, kernel, architecture, CPUs, memory,
 * interfaces with addresses, hostname and fqdn.
 */
export const hostFactsFact = defineFact({ module: 'facts', name: 'host', script: () => SCRIPT, parse: (r) => parseHostFacts(r.stdout) });
