import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secret, type Secret } from '@tsplay/core';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { actualMatches, cleanup, fingerprint, ok, run, tempDir } from '../common/testing.js';
import { template, templateArgs, type TemplateArgs } from './index.js';

afterAll(cleanup);

interface UnitVars {
  name: string;
  exec: string;
}
const unit = (v: UnitVars): string =>
  ['[Unit]', `Description=${v.name}`, '', '[Service]', `ExecStart=${v.exec}`, '', '[Install]', 'WantedBy=multi-user.target', ''].join('\n');

describe('template', () => {
  it('renders once, then is unchanged (apply and plan)', async () => {
    const root = tempDir();
    const dest = join(root, 'etcd.service');
    const args = templateArgs({ dest, template: unit, vars: { name: 'etcd', exec: '/bin/true' }, mode: '0644' });
    const first = ok(await run(template, args));
    expect(first.outcome.status).toBe('changed');
    expect(readFileSync(dest, 'utf8')).toBe(unit({ name: 'etcd', exec: '/bin/true' }));
    expect(ok(await run(template, args)).outcome.status).toBe('ok');
    expect(ok(await run(template, args, { check: true })).plan?.changed).toBe(false);
  });

  it('check mode on a fresh host predicts the write and mutates nothing', async () => {
    const root = tempDir();
    const before = fingerprint(root);
    const dest = join(root, 'etcd.service');
    const args = templateArgs({ dest, template: unit, vars: { name: 'etcd', exec: '/bin/true' }, validate: 'systemd-analyze verify %s' });
    const e = ok(await run(template, args, { check: true }));
    expect(e.outcome.changed).toBe(true);
    expect(e.diff).toEqual([{ path: dest, before: '', after: unit({ name: 'etcd', exec: '/bin/true' }) }]);
    expect(e.plan?.predict?.paths?.[dest]).toMatchObject({ exists: true, type: 'file', mode: 0o644 });
    expect(fingerprint(root)).toEqual(before);
    const real = ok(await run(template, args));
    expect(real.outcome.data).toMatchObject({ dest, sha256: e.plan?.predict?.paths?.[dest]?.sha256 });
    const { actual, predicted } = await actualMatches(dest, e.plan?.predict?.paths?.[dest]);
    expect(actual).toEqual(predicted);
  });

  it('shows the old and new text when the vars change', async () => {
    const root = tempDir();
    const dest = join(root, 'etcd.service');
    ok(await run(template, templateArgs({ dest, template: unit, vars: { name: 'etcd', exec: '/bin/true' } })));
    const e = ok(
      await run(template, templateArgs({ dest, template: unit, vars: { name: 'etcd 3.4', exec: '/bin/true' } }), { check: true }),
    );
    expect(e.plan?.summary).toBe(`would update ${dest} from template (+1 -1 lines)`);
    expect(e.diff?.[0]?.before).toContain('Description=etcd\n');
    expect(e.diff?.[0]?.after).toContain('Description=etcd 3.4\n');
  });

  it('a failing validate leaves dest untouched and no temp files behind', async () => {
    const root = tempDir();
    const dest = join(root, 'etcd.service');
    const good = unit({ name: 'etcd', exec: '/bin/true' });
    writeFileSync(dest, good);
    const before = fingerprint(root);
    const e = await run(
      template,
      templateArgs({
        dest,
        template: unit,
        vars: { name: 'etcd', exec: 'relative-not-executable' },
        validate: 'systemd-analyze verify %s',
      }),
    );
    expect(e.error?.code).toBe('VALIDATE_FAILED');
    expect(e.error?.message).toContain('is not executable');
    expect(e.error?.hint).toContain(`${dest} was left as it was`);
    expect(fingerprint(root)).toEqual(before);
    // Fresh dest: nothing is created.
    const fresh = join(root, 'new.service');
    const f = await run(template, { dest: fresh, template: () => 'not a unit\n', validate: 'grep -q "^\\[Unit\\]" %s' });
    expect(f.error?.code).toBe('VALIDATE_FAILED');
    expect(existsSync(fresh)).toBe(false);
    expect(readdirSync(root)).toEqual(['etcd.service']);
  });

  it('secret templates never show their text', async () => {
    const root = tempDir();
    const dest = join(root, 'env');
    const e = ok(
      await run(template, {
        dest,
        template: (v: { token: string }) => `TOKEN=${v.token}\n`,
        vars: { token: 'super-secret-token-value-42' },
        secret: true,
      }),
    );
    expect(JSON.stringify(e)).not.toContain('super-secret-token-value-42');
    expect(e.plan?.diff).toEqual([{ path: dest, before: '', after: '<secret>' }]);
    expect(e.diff).toEqual([{ path: dest, before: '<secret>', after: '<secret>' }]);
    expect(statSync(dest).mode & 0o777).toBe(0o600);
  });

  it('a Secret in vars makes the task secret', async () => {
    const root = tempDir();
    const dest = join(root, 'env');
    const args = templateArgs({
      dest,
      template: (v: { token: Secret<string> }) => `TOKEN=${v.token.reveal()}\n`,
      vars: { token: secret('token-from-vars-0123456789') },
    });
    const e = ok(await run(template, args));
    expect(JSON.stringify(e)).not.toContain('token-from-vars');
    expect(e.plan?.diff).toEqual([{ path: dest, before: '', after: '<secret>' }]);
    expect(readFileSync(dest, 'utf8')).toBe('TOKEN=token-from-vars-0123456789\n');
  });
});

describe('template args', () => {
  it.each([
    [{ dest: '/tmp/x', template: 'Description={{name}}' }, 'template', /function/],
    [{ dest: '/tmp/x', template: (): string => '', mode: 755 }, 'mode', /decimal/],
    [{ template: (): string => '' }, 'dest', /./],
  ])('rejects %j naming the field', async (args, field, msg) => {
    const e = await run(template, args);
    expect(e.error?.code).toBe('ARGS_INVALID');
    expect(e.error?.field).toBe(field);
    expect(e.error?.message).toMatch(msg);
  });

  it('a template that throws or returns a non-string is an args error on template', async () => {
    const root = tempDir();
    const boom = await run(template, { dest: join(root, 'x'), template: (v: { a: { b: string } }) => v.a.b, vars: {} });
    expect(boom.error?.code).toBe('ARGS_INVALID');
    expect(boom.error?.field).toBe('template');
    expect(boom.error?.message).toMatch(/threw/);
    const num = await run(template, { dest: join(root, 'x'), template: () => 42 as unknown as string });
    expect(num.error?.message).toMatch(/returned number/);
  });

  it('templateArgs types vars against the template function', () => {
    expectTypeOf(templateArgs({ dest: '/x', template: unit, vars: { name: 'a', exec: '/b' } })).toEqualTypeOf<TemplateArgs>();
    // @ts-expect-error vars is missing `exec`
    templateArgs({ dest: '/x', template: unit, vars: { name: 'a' } });
    // @ts-expect-error name must be a string
    templateArgs({ dest: '/x', template: unit, vars: { name: 1, exec: '/b' } });
  });
});
