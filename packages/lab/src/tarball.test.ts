import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readTarballSha256, releaseReadme, sha256File, sha256sums } from './tarball.js';

describe('SHA256SUMS', () => {
  test('written like sha256sum and read back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-sums-'));
    writeFileSync(join(dir, 'f'), 'abc');
    const hex = await sha256File(join(dir, 'f'));
    expect(hex).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const text = sha256sums({ 'etcd-v3.4.23-linux-amd64.tar.gz': hex });
    expect(text).toBe(`${hex}  etcd-v3.4.23-linux-amd64.tar.gz\n`);
    writeFileSync(join(dir, 'SHA256SUMS'), text);
    expect(await readTarballSha256(join(dir, 'SHA256SUMS'))).toBe(hex);
    expect(await readTarballSha256(join(dir, 'missing'))).toBeUndefined();
  });
});

describe('releaseReadme', () => {
  test('names the version, the suite and the layout', () => {
    const t = releaseReadme('3.5.16', 'trixie', ['etcd', 'etcdctl', 'etcdutl']);
    expect(t).toContain('# etcd v3.5.16 (tsplay lab)');
    expect(t).toContain("Debian trixie's etcd-server and etcd-client 3.5.16");
    expect(t).toContain('etcd-v3.5.16-linux-amd64/{etcd,etcdctl,etcdutl,README.md}');
  });
});
