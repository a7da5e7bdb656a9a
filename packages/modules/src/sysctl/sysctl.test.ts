import { describe, expect, it } from 'vitest';
import { factTable, planTable } from '../kit/harness.js';
import { textFacts } from '../testing/text-facts.js';
import { sysctlArgsSchema } from './args.js';
import { liveSysctl } from './facts.js';
import { sysctl } from './index.js';
import { editSysctl } from './plan.js';

const F = '/etc/sysctl.d/99-tsplay.conf';
const edit = (text: string | undefined, a: Record<string, unknown>) => editSysctl(text, sysctlArgsSchema.parse(a));

describe('sysctl file edits (pure)', () => {
  it.each([
    ['adds the key to a new file', undefined, { name: 'net.ipv4.ip_forward', value: 1 }, 'net.ipv4.ip_forward = 1\n'],
    [
      'replaces the key in place and drops duplicates',
      '# c\na = 1\nnet.ipv4.ip_forward=0\nb = 2\nnet/ipv4/ip_forward = 0\n',
      { name: 'net.ipv4.ip_forward', value: '1' },
      '# c\na = 1\nnet.ipv4.ip_forward = 1\nb = 2\n',
    ],
    [
      'leaves an equal line',
      'x = 1\nnet.core.somaxconn = 1024\n',
      { name: 'net.core.somaxconn', value: 1024 },
      'x = 1\nnet.core.somaxconn = 1024\n',
    ],
    ['removes the key', 'a = 1\nnet.core.somaxconn = 1024\n', { name: 'net.core.somaxconn', state: 'absent' }, 'a = 1\n'],
    [
      'collapses multi-value whitespace',
      undefined,
      { name: 'net.ipv4.tcp_rmem', value: '4096\t87380  6291456' },
      'net.ipv4.tcp_rmem = 4096 87380 6291456\n',
    ],
  ])('%s', (_n, text, a, want) => expect(edit(text, a)).toBe(want));
});

factTable(
  liveSysctl('net.ipv4.tcp_rmem'),
  [
    { name: 'multi-value output is collapsed', result: { stdout: '4096\t131072\t6291456\nrc=0\n' }, value: '4096 131072 6291456' },
    { name: 'an unknown key is undefined', result: { stdout: 'rc=255\n' }, value: undefined },
  ],
  { it, expect },
);

planTable(
  sysctl,
  [
    {
      name: 'file and live value already right',
      args: { name: 'vm.swappiness', value: 10 },
      facts: { ...textFacts('vm.swappiness = 10\n'), live: '10' },
      plan: { changed: false },
    },
    {
      name: 'a right file with a wrong live value reloads',
      args: { name: 'vm.swappiness', value: 10 },
      facts: { ...textFacts('vm.swappiness = 10\n'), live: '60' },
      plan: { changed: true, summary: 'would set vm.swappiness 60 -> 10', data: { content: undefined, reload: true } },
    },
    {
      name: 'without reload only the file counts',
      args: { name: 'vm.swappiness', value: 10, reload: false },
      facts: { ...textFacts(undefined), live: '60' },
      plan: { changed: true, summary: `would create ${F} from sysctl (19 bytes, mode 0644)`, data: { reload: false } },
    },
    {
      name: 'a file not ending in .conf is an args error',
      args: { name: 'a.b', value: 1, file: '/etc/sysctl.d/x' },
      error: { code: 'ARGS_INVALID', field: 'file' },
    },
    { name: 'present without a value is an args error', args: { name: 'a.b' }, error: { code: 'ARGS_INVALID', field: 'value' } },
  ],
  { it, expect },
);
