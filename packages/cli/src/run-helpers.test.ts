import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownCore as core } from './engine.js';
import { parseRunFast } from './fast.js';
import { extraVarsFrom, parseDuration, shouldColor, withConnectionFlags } from './run-helpers.js';
import { fitWidth } from './reporters/tty.js';

describe('run options', () => {
  it('the fast path parses every new option from the shared table', () => {
    const a = parseRunFast([
      'run',
      'p.ts',
      '-i',
      'inv',
      '--start-at-task',
      'motd',
      '--step',
      '--list-tags',
      '--wait-lock',
      '2m',
      '-u',
      'deploy',
      '--private-key',
      'k.pem',
      '--ssh-config',
      'cfg',
      '-e',
      '@v.yml',
      '-e',
      'a=1',
      '--no-color',
    ]);
    expect(a).toMatchObject({
      startAtTask: 'motd',
      step: true,
      list: 'tags',
      waitLock: '2m',
      user: 'deploy',
      privateKey: 'k.pem',
      sshConfig: 'cfg',
      extraVars: ['@v.yml', 'a=1'],
      color: false,
    });
    expect(parseRunFast(['run', 'p.ts', '-i', 'inv'])).toMatchObject({ color: undefined, list: undefined, step: false });
    expect(parseRunFast(['run', 'p.ts', '-i', 'inv', '--color'])?.color).toBe(true);
    expect(parseRunFast(['run', 'p.ts', '-i', 'inv', '--list-hosts'])?.list).toBe('hosts');
  });

  it('--wait-lock durations', () => {
    expect([
      parseDuration('0', core),
      parseDuration('30s', core),
      parseDuration('2m', core),
      parseDuration('1500ms', core),
      parseDuration('1h', core),
      parseDuration('5', core),
    ]).toEqual([0, 30_000, 120_000, 1500, 3_600_000, 5000]);
    expect(() => parseDuration('soon', core)).toThrowError(expect.objectContaining({ code: 'USAGE', field: '--wait-lock' }));
  });

  it('colours: the flag, then NO_COLOR, then FORCE_COLOR, then the terminal', () => {
    expect(shouldColor(undefined, {}, true)).toBe(true);
    expect(shouldColor(undefined, {}, false)).toBe(false);
    expect(shouldColor(undefined, { NO_COLOR: '1' }, true)).toBe(false);
    expect(shouldColor(undefined, { NO_COLOR: '' }, true)).toBe(true);
    expect(shouldColor(undefined, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(shouldColor(undefined, { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(shouldColor(true, { NO_COLOR: '1' }, false)).toBe(true);
    expect(shouldColor(false, { FORCE_COLOR: '1' }, true)).toBe(false);
  });

  it('-e @vars.yml / @vars.json and key=value, later ones winning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-e-'));
    writeFileSync(join(dir, 'v.yml'), 'greeting: hi\nport: 2380\nnested: { a: [1, 2] }\n');
    writeFileSync(join(dir, 'v.json'), '{"greeting": "json"}');
    writeFileSync(join(dir, 'list.yml'), '- a\n- b\n');
    expect(await extraVarsFrom([`@${dir}/v.yml`], core)).toEqual({ greeting: 'hi', port: 2380, nested: { a: [1, 2] } });
    expect(await extraVarsFrom([`@${dir}/v.yml`, `@${dir}/v.json`, 'port=1'], core)).toEqual({
      greeting: 'json',
      port: 1,
      nested: { a: [1, 2] },
    });
    await expect(extraVarsFrom([`@${dir}/list.yml`], core)).rejects.toMatchObject({ code: 'EXTRA_VAR_INVALID', field: '-e' });
    await expect(extraVarsFrom([`@${dir}/missing.yml`], core)).rejects.toMatchObject({
      code: 'EXTRA_VAR_INVALID',
      file: `${dir}/missing.yml`,
    });
  });

  it('-u, --private-key and --ssh-config set every SSH host, not local ones', () => {
    const inv = core.resolveInventory({ hosts: { a: { address: '10.0.0.1', user: 'x' }, b: { connection: 'local' } } }, '/inv/hosts.yaml');
    const out = withConnectionFlags(inv, { user: 'deploy', privateKey: '/k/id', sshConfig: '/k/config' });
    expect(out.hosts.map((h) => [h.name, h.user, h.privateKeyPath, h.sshConfigFile])).toEqual([
      ['a', 'deploy', '/k/id', '/k/config'],
      ['b', undefined, undefined, undefined],
    ]);
    expect(withConnectionFlags(inv, {})).toBe(inv);
  });

  it('the live line is cut to the terminal width', () => {
    const long = `… task: waiting for ${Array.from({ length: 30 }, (_, i) => `controller-${i}`).join(', ')}`;
    const cut = fitWidth(long, 80);
    expect([...cut].length).toBe(79);
    expect(cut.endsWith('…')).toBe(true);
    expect(fitWidth('short', 80)).toBe('short');
  });
});
