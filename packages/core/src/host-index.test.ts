import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecResult } from './connection.js';
import { MIN_CACHED_BYTES, SigCache } from './sigcache.js';

const sh = (script: string): ExecResult => {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-hostidx-'));
  const file = join(dir, 'big.bin');
  writeFileSync(file, Buffer.alloc(MIN_CACHED_BYTES, 'p')); // smaller files are never cached
  const runs = join(dir, 'runs');
  writeFileSync(runs, '');
  // the expensive fact: counts its own runs, prints the hash
  const script = `echo . >> ${runs}; sha256sum < ${file} | cut -d' ' -f1`;
  const hostDir = join(dir, 'host', 'sig');
  const probe = (sc: SigCache) => {
    const id = sc.hostEntry('k', script, true);
    return sc.unwrap('k', sh(sc.wrap('k', [file], script, id)), id, 'h');
  };
  return { dir, file, runs: () => readFileSync(runs, 'utf8').length / 2, hostDir, probe, script };
}

describe("the host's signature index", () => {
  it('a new workstation (empty cache) answers from the entry an earlier real run left: no re-hash', () => {
    const t = setup();
    const first = new SigCache(undefined, { hostDir: t.hostDir });
    const r1 = t.probe(first);
    expect(t.runs()).toBe(1);
    const write = first.takeHostWrites();
    expect(write).toBeDefined();
    expect(first.takeHostWrites()).toBeUndefined(); // taken once
    expect(sh(write as string).code).toBe(0);
    expect(statSync(t.hostDir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(t.hostDir)) expect(statSync(join(t.hostDir, f)).mode & 0o777).toBe(0o600);
    expect(readdirSync(t.hostDir).filter((f) => f.startsWith('.'))).toEqual([]); // no temp file left

    const fresh = new SigCache(undefined, { hostDir: t.hostDir });
    const r2 = t.probe(fresh);
    expect(r2).toEqual(r1);
    expect(t.runs()).toBe(1);
    expect(fresh.takeHostWrites()).toBeUndefined(); // nothing new to record
  });

  it('a changed file (another signature) is hashed again; so is an entry cut short', () => {
    const t = setup();
    const a = new SigCache(undefined, { hostDir: t.hostDir });
    t.probe(a);
    sh(a.takeHostWrites() as string);
    utimesSync(t.file, new Date(), new Date(Date.now() + 5000));
    expect(t.probe(new SigCache(undefined, { hostDir: t.hostDir })).code).toBe(0);
    expect(t.runs()).toBe(2);

    const b = new SigCache(undefined, { hostDir: t.hostDir });
    t.probe(b);
    sh(b.takeHostWrites() as string);
    const [entry] = readdirSync(t.hostDir);
    const path = join(t.hostDir, entry as string);
    writeFileSync(path, readFileSync(path, 'utf8').split('\n').slice(0, 2).join('\n')); // no `end` line
    t.probe(new SigCache(undefined, { hostDir: t.hostDir }));
    expect(t.runs()).toBe(4);
  });

  it('an unreadable entry is a coded error naming the host and the directory', () => {
    const t = setup();
    const a = new SigCache(undefined, { hostDir: t.hostDir });
    t.probe(a);
    sh(a.takeHostWrites() as string);
    const [entry] = readdirSync(t.hostDir);
    const path = join(t.hostDir, entry as string);
    const [sig] = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, `${sig}\nnot-base64-json\nend\n`);
    expect(() => t.probe(new SigCache(undefined, { hostDir: t.hostDir }))).toThrow(
      expect.objectContaining({ code: 'FACT_FAILED', host: 'h', hint: expect.stringContaining('/var/cache/tsplay/sig') }),
    );
  });

  it('not used where the probe does not run as root, nor without a host dir (the workstation itself)', () => {
    const t = setup();
    expect(new SigCache(undefined, { hostDir: t.hostDir }).hostEntry('k', t.script, false)).toBeUndefined();
    expect(new SigCache().hostEntry('k', t.script, true)).toBeUndefined();
    const none = new SigCache();
    none.unwrap('k', sh(none.wrap('k', [t.file], t.script)));
    expect(none.takeHostWrites()).toBeUndefined();
  });

  it('the entry name depends on the probe script: a tsplay whose probe differs never reads an old answer', () => {
    const t = setup();
    const sc = new SigCache(undefined, { hostDir: t.hostDir });
    expect(sc.hostEntry('k', t.script, true)).not.toBe(sc.hostEntry('k', `${t.script} # v2`, true));
    expect(sc.hostEntry('k', t.script, true)).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("the host's signature index and a warm workstation", () => {
  it('an answer the workstation knows but the host does not (an index older than the cache) is recorded', () => {
    const t = setup();
    const warm = new SigCache(undefined, { hostDir: t.hostDir });
    t.probe(warm);
    warm.takeHostWrites(); // dropped: the host never got it
    const again = t.probe(warm);
    expect(t.runs()).toBe(1); // answered by the workstation's cache
    expect(again.code).toBe(0);
    const write = warm.takeHostWrites();
    expect(write).toBeDefined();
    sh(write as string);
    t.probe(warm);
    expect(warm.takeHostWrites()).toBeUndefined(); // now the host has it
    t.probe(new SigCache(undefined, { hostDir: t.hostDir }));
    expect(t.runs()).toBe(1);
  });
});

describe("a real run's probe records its fresh answers in the host's index itself", () => {
  const probeWith = (sc: SigCache, file: string, script: string) => {
    const id = sc.hostEntry('k', script, true);
    return sc.unwrap('k', sh(sc.wrap('k', [file], script, id)), id, 'h');
  };

  it("no write is left for the run's end; a new workstation answers from the entry without running the script", () => {
    const t = setup();
    const first = new SigCache(undefined, { hostDir: t.hostDir, record: true });
    const r1 = t.probe(first);
    expect(t.runs()).toBe(1);
    expect(first.takeHostWrites()).toBeUndefined();
    expect(statSync(t.hostDir).mode & 0o777).toBe(0o700);
    const files = readdirSync(t.hostDir);
    expect(files).toHaveLength(1); // no temp file left
    expect(statSync(join(t.hostDir, files[0] as string)).mode & 0o777).toBe(0o600);
    expect(t.probe(new SigCache(undefined, { hostDir: t.hostDir, record: true }))).toEqual(r1);
    expect(t.probe(new SigCache(undefined, { hostDir: t.hostDir }))).toEqual(r1);
    expect(t.runs()).toBe(1);
  });

  it('answers of many lines, trailing newlines and no newline come back byte for byte, as without recording', () => {
    for (const out of ['a\nb\n', 'one line\n', 'two\n\n\n', 'no newline', '', "quote ' and \\ back\n", 'x__tsplay_o__\n']) {
      const t = setup();
      writeFileSync(join(t.dir, 'out'), out);
      const script = `echo . >> ${t.dir}/runs; cat ${t.dir}/out`;
      const plain = probeWith(new SigCache(undefined, { hostDir: join(t.dir, 'other') }), t.file, script);
      const first = probeWith(new SigCache(undefined, { hostDir: t.hostDir, record: true }), t.file, script);
      const again = probeWith(new SigCache(undefined, { hostDir: t.hostDir, record: true }), t.file, script);
      expect([plain.stdout, first.stdout, again.stdout]).toEqual([out, out, out]);
      expect([first.code, again.code]).toEqual([0, 0]);
      expect(t.runs()).toBe(2); // the plain probe and the first recording one: the third answered from the entry
    }
  });

  it('not recorded: a nonzero exit (its code kept), a missing file, a probe under --check (no record)', () => {
    const t = setup();
    const failing = `echo . >> ${t.dir}/runs; echo out; exit 3`;
    const r = probeWith(new SigCache(undefined, { hostDir: t.hostDir, record: true }), t.file, failing);
    expect([r.code, r.stdout]).toEqual([3, 'out\n']);
    const missing = probeWith(new SigCache(undefined, { hostDir: t.hostDir, record: true }), join(t.dir, 'none'), t.script);
    expect(missing.code).toBe(0);
    const check = new SigCache(undefined, { hostDir: t.hostDir });
    t.probe(check);
    expect(readdirSync(t.hostDir)).toEqual([]); // no entry, no temp file
  });

  it('a missing file (no signature to record for): no temp file is made, not even the directory; output and stderr as they are', () => {
    const t = setup();
    const script = `echo . >> ${t.dir}/runs; echo absent; umask; echo note >&2; exit 0`;
    const r = probeWith(new SigCache(undefined, { hostDir: t.hostDir, record: true }), join(t.dir, 'none'), script);
    const own = spawnSync('sh', ['-c', 'umask'], { encoding: 'utf8' }).stdout; // the script sees the exec's umask, not the index's 077
    expect(own).not.toBe('0077\n');
    expect(r).toEqual({ code: 0, stdout: `absent\n${own}`, stderr: 'note\n' });
    expect(existsSync(t.hostDir)).toBe(false);
    expect(t.runs()).toBe(1);
  });

  it('an answer with something on stderr is printed as it is, not recorded by the probe: the run writes it at its end', () => {
    const t = setup();
    const warns = `echo . >> ${t.dir}/runs; echo warning >&2; echo answer`;
    const sc = new SigCache(undefined, { hostDir: t.hostDir, record: true });
    const r = probeWith(sc, t.file, warns);
    expect(r).toEqual({ code: 0, stdout: 'answer\n', stderr: 'warning\n' });
    expect(readdirSync(t.hostDir)).toEqual([]);
    sh(sc.takeHostWrites() as string);
    expect(probeWith(new SigCache(undefined, { hostDir: t.hostDir, record: true }), t.file, warns)).toEqual(r);
    expect(t.runs()).toBe(1);
  });
});

describe('recording what an exec wrote (SigCache.recordAfterWrite)', () => {
  it('records a small file as it is now, so a new workstation answers without the script; nothing for a large or missing one', () => {
    const t = setup();
    const small = join(t.dir, 'small.conf');
    writeFileSync(small, 'written\n');
    const script = `echo . >> ${t.dir}/runs; sha256sum < ${small} | cut -d' ' -f1`;
    const sc = new SigCache(undefined, { hostDir: t.hostDir, record: true });
    const id = sc.hostEntry('w', script, true);
    const rec = sc.recordAfterWrite('w', [small], script, id) as string;
    expect(sh(rec).stdout).toBe(''); // prints nothing into the steps' output
    expect(t.runs()).toBe(1);
    const answer = sc.unwrap('w', sh(sc.wrap('w', [small], script, id)), id, 'h');
    expect(answer.stdout).toBe(`${createHash('sha256').update('written\n').digest('hex')}\n`);
    expect(t.runs()).toBe(1); // from the entry: the script did not run again

    for (const path of [t.file, join(t.dir, 'none')]) {
      const bigId = sc.hostEntry(path, script, true);
      sh(sc.recordAfterWrite(path, [path], script, bigId) as string);
      expect(readdirSync(t.hostDir)).not.toContain(bigId);
    }
    expect(t.runs()).toBe(1);
    expect(new SigCache(undefined, { hostDir: t.hostDir }).recordAfterWrite('w', [small], script, id)).toBeUndefined(); // --check
  });
});
