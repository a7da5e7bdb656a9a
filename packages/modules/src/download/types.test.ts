import { task, type ModuleResult } from '@tsplay/core';
import { describe, expectTypeOf, it } from 'vitest';
import { unarchive } from '../unarchive/index.js';
import { download, type DownloadArgs, type DownloadResult } from './index.js';

describe('typed args', () => {
  it('accepts the seed tasks and rejects wrong fields at compile time', () => {
    const dl = task(download, { url: 'https://e/x.tgz', dest: '/root/x.tgz', checksum: 'sha256:https://e/SHA256SUMS', mode: '0644' });
    const ua = task(unarchive, { src: '/root/x.tgz', dest: '/usr/local/bin', include: ['*/etcd'], stripComponents: 1, mode: 0o755 });
    expectTypeOf(dl.name).toBeString();
    expectTypeOf(ua.name).toBeString();
    expectTypeOf<ModuleResult<typeof download>>().toEqualTypeOf<DownloadResult>();
    expectTypeOf<DownloadArgs['checksum']>().toEqualTypeOf<string>();
    // @ts-expect-error checksum is required
    task(download, { url: 'https://e/x.tgz', dest: '/root/x.tgz' });
    // @ts-expect-error stripComponents is a number
    task(unarchive, { src: '/a.tgz', dest: '/b', stripComponents: '1' });
  });
});
