import { describe, expect, test } from 'vitest';
import { etcHosts } from './hosts.js';
import { labHost } from './paths.js';

describe('etcHosts', () => {
  test('localhost, every lab host and the metadata name', () => {
    expect(etcHosts([labHost(0), labHost(1)]).split('\n')).toEqual([
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      '10.240.0.10\tcontroller-0',
      '10.240.0.11\tcontroller-1',
      '169.254.169.254\tmetadata.google.internal',
      '',
    ]);
  });
});
