import { z } from 'zod';
import { describe, expectTypeOf, it } from 'vitest';
import { defineModule } from '../module.js';
import { task, type Task, type TaskOutcome } from '../playbook.js';
import { block, type BlockSpec } from './block.js';

const probe = defineModule({
  name: 'probe',
  args: z.strictObject({ url: z.string() }),
  facts: () => ({}),
  plan: () => ({ changed: false }),
  resultFromPlan: () => ({ status: 200 }),
});

describe('block and retries types', () => {
  it('until is typed over the module result', () => {
    task(probe, { url: 'x' }, { until: (r) => r.data?.status === 200, retries: 3, delayMs: 10, throttle: 2 });
    task(
      probe,
      { url: 'x' },
      {
        until: (r) => {
          expectTypeOf(r).toEqualTypeOf<TaskOutcome<{ status: number }>>();
          return true;
        },
      },
    );
    // @ts-expect-error the result has no `body`
    task(probe, { url: 'x' }, { until: (r) => r.data?.body === 'ok' });
    // @ts-expect-error throttle is a number of hosts
    task(probe, { url: 'x' }, { throttle: 'two' });
  });

  it('block takes tasks, rescue, always and the shared options, and gives tasks', () => {
    const t = task(probe, { url: 'x' });
    expectTypeOf(
      block({
        name: 'b',
        tasks: [t],
        rescue: [t],
        always: [t],
        when: (c) => c.check,
        become: 'root',
        tags: ['x'],
        delegateTo: 'localhost',
      }),
    ).toEqualTypeOf<Task[]>();
    expectTypeOf<BlockSpec['rescue']>().toEqualTypeOf<readonly Task[] | undefined>();
    // @ts-expect-error a block needs a name
    block({ tasks: [t] });
    // @ts-expect-error tags are strings
    block({ name: 'b', tasks: [t], tags: [1] });
  });
});
