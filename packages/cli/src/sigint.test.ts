import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('interrupt', () => {
  it('SIGINT finishes the tasks in flight, starts nothing else, prints the recap and exits 130', async () => {
    const child = spawn(
      process.execPath,
      [
        join(here, '..', 'bin', 'tsplay.js'),
        'run',
        join(here, 'fixtures', 'slow.ts'),
        '-i',
        join(here, 'fixtures', 'inventory.yaml'),
        '--json',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (b: Buffer) => {
        const before = out;
        out += b.toString();
        if (!before.includes('"task":"slow"') && out.includes('"type":"task.start","play":"slow","task":"slow"')) child.kill('SIGINT');
      });
      child.on('close', (c) => resolve(c));
    });
    const events = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; task?: string; status?: string; interrupted?: boolean });
    expect(code).toBe(130);
    expect(events.filter((e) => e.type === 'task.result' && e.task === 'slow').map((e) => e.status)).toEqual([
      'changed',
      'changed',
      'changed',
    ]);
    expect(events.some((e) => e.task === 'never started')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'recap', interrupted: true });
  });
});
