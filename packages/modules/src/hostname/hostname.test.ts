import { expect, it } from 'vitest';
import { planTable } from '../kit/harness.js';
import { textFacts } from '../testing/text-facts.js';
import { hostname } from './index.js';

planTable(
  hostname,
  [
    {
      name: 'file and running name right',
      args: { name: 'web-1' },
      facts: { ...textFacts('web-1\n'), live: 'web-1' },
      plan: { changed: false, summary: 'hostname is web-1' },
    },
    {
      name: 'a new name writes the file and sets the running name',
      args: { name: 'web-2' },
      facts: { ...textFacts('web-1\n'), live: 'web-1' },
      plan: {
        changed: true,
        summary: 'would update /etc/hostname from hostname (+1 -1 lines); would set the running host name web-1 -> web-2',
        data: { setLive: true },
      },
    },
    {
      name: 'live: false leaves the running name',
      args: { name: 'web-1', live: false },
      facts: { ...textFacts('web-1\n'), live: 'other' },
      plan: { changed: false },
    },
    { name: 'an invalid name is an args error naming name', args: { name: 'web_1' }, error: { code: 'ARGS_INVALID', field: 'name' } },
  ],
  { it, expect },
);
