import { describe, expect, test } from 'vitest';
import { labPaths } from './paths.js';
import { servedFiles } from './up.js';

describe('servedFiles', () => {
  test('every release tarball and its SHA256SUMS under the upstream release path', () => {
    const p = labPaths({ HOME: '/h' }, '/');
    expect(servedFiles(p)).toEqual({
      '/etcd-io/etcd/releases/download/v3.4.23/etcd-v3.4.23-linux-amd64.tar.gz':
        '/h/.cache/tsplay/lab/etcd/etcd-v3.4.23-linux-amd64.tar.gz',
      '/etcd-io/etcd/releases/download/v3.4.23/SHA256SUMS': '/h/.cache/tsplay/lab/etcd/SHA256SUMS',
      '/etcd-io/etcd/releases/download/v3.5.16/etcd-v3.5.16-linux-amd64.tar.gz':
        '/h/.cache/tsplay/lab/etcd/v3.5.16/etcd-v3.5.16-linux-amd64.tar.gz',
      '/etcd-io/etcd/releases/download/v3.5.16/SHA256SUMS': '/h/.cache/tsplay/lab/etcd/v3.5.16/SHA256SUMS',
    });
  });
});
