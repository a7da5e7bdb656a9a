import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, symlinkSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchScript, splitBatch } from './batch.js';
import { commandFact, parseUnitShow, pathFact } from './facts.js';
import { gatherFacts } from './gather.js';
import { LocalConnection } from './local.js';
import { Overlay } from './overlay.js';

describe('facts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-facts-'));
  writeFileSync(join(dir, 'f'), 'hello\n');
  chmodSync(join(dir, 'f'), 0o640);
  mkdirSync(join(dir, 'd'));
  symlinkSync('f', join(dir, 'l'));
  const conn = new LocalConnection('local');

  it('probes several paths in one exec and parses type, mode, hash', async () => {
    let execs = 0;
    const counting = Object.assign(Object.create(conn), {
      exec: (c: string, o: object) => {
        execs += 1;
        return conn.exec(c, o);
      },
    }) as LocalConnection;
    const v = await gatherFacts(
      counting,
      {
        f: pathFact(join(dir, 'f'), { hash: true }),
        d: pathFact(join(dir, 'd')),
        l: pathFact(join(dir, 'l')),
        none: pathFact(join(dir, 'nope')),
        weird: pathFact(join(dir, "it's $(x)")),
        cmd: commandFact('echo', 'echo out; echo err >&2; exit 3', (r) => r),
      },
      { become: false },
    );
    expect(execs).toBe(1);
    expect(v.f).toMatchObject({
      exists: true,
      type: 'file',
      mode: 0o640,
      size: 6,
      sha256: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03',
    });
    expect(v.d).toMatchObject({ exists: true, type: 'dir' });
    expect(v.l).toMatchObject({ exists: true, type: 'link', target: 'f' });
    expect(v.none).toEqual({ exists: false });
    expect(v.weird).toEqual({ exists: false });
    expect(v.cmd).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('answers predicted paths from the overlay in check mode', async () => {
    const o = new Overlay();
    o.record({ paths: { [join(dir, 'new')]: { exists: true, type: 'dir', mode: 0o700 } } });
    const v = await gatherFacts(conn, { p: pathFact(join(dir, 'new')) }, { become: false, overlay: o });
    expect(v.p).toMatchObject({ exists: true, type: 'dir', mode: 0o700 });
    expect(o.touches(dir)).toBe(true);
    expect(o.touches(join(dir, 'other'))).toBe(false);
  });

  it('splits batch output even when a fact prints no trailing newline', () => {
    const nonce = '__n';
    const two = [commandFact('x', 'printf abc', () => 1), commandFact('y', 'echo e >&2; exit 7', () => 1)];
    const out = `__n O 0\nabc\n__n E 0\n\n__n C 0 0\n__n O 1\nxyz\n__n E 1\nwarn\n__n C 1 2\n`;
    expect(splitBatch(out, two, nonce)).toEqual([
      { stdout: 'abc', stderr: '', code: 0 },
      { stdout: 'xyz', stderr: 'warn', code: 2 },
    ]);
    const script = batchScript(two, nonce);
    const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
    expect(splitBatch(r.stdout, two, nonce)).toEqual([
      { stdout: 'abc', stderr: '', code: 0 },
      { stdout: '', stderr: 'e\n', code: 7 },
    ]);
    expect(() => splitBatch('__n O 0\n', two.slice(0, 1), nonce)).toThrow(/incomplete/);
  });

  it('parses systemctl show', () => {
    expect(
      parseUnitShow(
        'LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\nFragmentPath=/etc/systemd/system/etcd.service\nNeedDaemonReload=no\n',
      ),
    ).toEqual({
      load: 'loaded',
      active: 'active',
      sub: 'running',
      enabled: 'enabled',
      fragmentPath: '/etc/systemd/system/etcd.service',
      needDaemonReload: false,
    });
    expect(parseUnitShow('')).toMatchObject({ load: 'not-found', active: 'inactive' });
  });
});

describe('batchScript', () => {
  it('splits stdout, stderr and exit code per fact, and writes nothing on the host (not even a temp file)', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tsplay-batch-'));

    const before = statSync(tmp).mtimeMs;
    const facts = [
      commandFact('a', 'echo out; echo err >&2; exit 3', (r) => r),
      commandFact('b', 'printf noeol', (r) => r),
      commandFact('c', 'echo x; echo y >&2; echo z >&2', (r) => r),
    ];
    const r = spawnSync('/bin/sh', ['-c', batchScript(facts, 'NONCE')], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });
    expect(splitBatch(r.stdout, facts, 'NONCE')).toEqual([
      { stdout: 'out\n', stderr: 'err\n', code: 3 },
      { stdout: 'noeol', stderr: '', code: 0 },
      { stdout: 'x\n', stderr: 'y\nz\n', code: 0 },
    ]);
    expect(statSync(tmp).mtimeMs).toBe(before);
    expect(batchScript(facts, 'N')).not.toMatch(/mktemp|\/tmp/);
  });

  it.each(['/bin/sh', 'bash', 'dash'])(
    'keeps every byte of stderr and the code under %s: no newline, several, `exit` in a function, a case pattern, a trap of its own',
    (shell) => {
      const facts = [
        commandFact('a', 'printf "e1\\n\\n\\n" >&2; exit 0', (r) => r),
        commandFact('b', 'printf noeol >&2; f() { exit 7; }; f; echo never', (r) => r),
        commandFact('c', 'case x in x) echo in ;; esac; false', (r) => r),
        commandFact('d', "trap 'echo bye >&2' EXIT; echo own >&2; exit 4", (r) => r),
        commandFact('e', "exec 2>/dev/null; echo gone >&2; sh -c 'kill -TERM $$'", (r) => r),
      ];
      const r = spawnSync(shell, ['-c', batchScript(facts, 'NONCE')], { encoding: 'utf8' });
      expect(splitBatch(r.stdout, facts, 'NONCE')).toEqual([
        { stdout: '', stderr: 'e1\n\n\n', code: 0 },
        { stdout: '', stderr: 'noeol', code: 7 },
        { stdout: 'in\n', stderr: '', code: 1 },
        // its own EXIT trap replaces the one that marks the end of stderr: only trailing newlines are lost
        { stdout: '', stderr: 'own\nbye', code: 4 },
        { stdout: '', stderr: '', code: 143 },
      ]);
    },
  );

  it('answers a fact whose script does nothing without the host (no exec)', async () => {
    let execs = 0;
    const conn = new LocalConnection('local');
    const counting = Object.assign(Object.create(conn), {
      exec: (c: string, o: object) => {
        execs += 1;
        return conn.exec(c, o);
      },
    }) as LocalConnection;
    const v = await gatherFacts(counting, { local: commandFact('noop', ':', (r) => r) }, { become: false });
    expect([execs, v.local]).toEqual([0, { stdout: '', stderr: '', code: 0 }]);
  });
});
