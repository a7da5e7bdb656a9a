import { join } from 'node:path';
import { secret } from '@tsplay/core';
import { Overlay } from '@tsplay/core/module';
import { afterAll, describe, expect, it } from 'vitest';
import { copy } from '../copy/index.js';
import { file } from '../file/index.js';
import { template, templateArgs } from '../template/index.js';
import { cleanup, fingerprint, run, tempDir } from './testing.js';

afterAll(cleanup);

const unit = (v: { dataDir: string }): string =>
  `[Unit]\nDescription=etcd\n\n[Service]\nExecStart=/bin/true --data-dir=${v.dataDir}\n\n[Install]\nWantedBy=multi-user.target\n`;

/** file dir -> copy (secret) into it -> template into it -> file mode on the copied file -> link to the unit. */
function tasks(root: string): [unknown, unknown][] {
  const etc = join(root, 'etc/etcd');
  return [
    [file, { path: etc, state: 'directory', mode: '0700' }],
    [copy, { dest: join(etc, 'kubernetes-key.pem'), content: secret('KEY-material-for-the-chain-test') }],
    [
      template,
      templateArgs({
        dest: join(etc, 'etcd.service'),
        template: unit,
        vars: { dataDir: '/var/lib/etcd' },
        validate: 'systemd-analyze verify %s',
      }),
    ],
    [file, { path: join(etc, 'kubernetes-key.pem'), mode: '0400' }],
    [file, { path: join(root, 'etcd.service'), state: 'link', src: join(etc, 'etcd.service') }],
  ];
}

async function runAll(root: string, check: boolean): Promise<string[]> {
  const overlay = new Overlay();
  const out: string[] = [];
  for (const [mod, args] of tasks(root)) {
    const e = await run(mod, args, { check, overlay });
    if (e.error) throw e.error;
    out.push(e.outcome.status);
  }
  return out;
}

describe('check mode across modules (overlay)', () => {
  it('a fresh check run predicts exactly the changes the real run makes, then none', async () => {
    const root = tempDir();
    const before = fingerprint(root);
    const predicted = await runAll(root, true);
    expect(predicted).toEqual(['changed', 'changed', 'changed', 'changed', 'changed']);
    expect(fingerprint(root)).toEqual(before);
    expect(await runAll(root, false)).toEqual(predicted);
    expect(await runAll(root, false)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(await runAll(root, true)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });
});
