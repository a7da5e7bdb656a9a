import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { makeEtcdTarball, type TestTarball } from './etcd-tarball.js';

/**
 * A fixture made in `beforeAll` and torn down in `afterAll`, usable at module level: the returned object
 * forwards to the one `start` made (reading it before `beforeAll` ran is a test bug and throws).
 */
export function useFixture<T extends object>(start: () => T | Promise<T>, stop: (t: T) => unknown): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await start();
  });
  afterAll(async () => {
    if (current) await stop(current);
  });
  return new Proxy({} as T, {
    get: (_, key) => {
      if (!current) throw new Error('fixture read before beforeAll ran');
      const v = Reflect.get(current, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(current) : v;
    },
  });
}

/** A temp dir holding the test etcd tarball, with fresh empty destination dirs under it. */
export interface TarballDir {
  root: string;
  tb: TestTarball;
  freshDest(): string;
}

export function useTarballDir(prefix: string): TarballDir {
  return useFixture(
    () => {
      const root = mkdtempSync(join(tmpdir(), prefix));
      let n = 0;
      return {
        root,
        tb: makeEtcdTarball(root),
        freshDest: () => {
          const d = join(root, `dest-${++n}`);
          mkdirSync(d);
          return d;
        },
      };
    },
    (d) => rmSync(d.root, { recursive: true, force: true }),
  );
}

/** The seed's `tar -xvf` + `mv etcd-v3.4.15-linux-amd64/etcd* /usr/local/bin/` as unarchive args. */
export function seedArgs(tb: TestTarball, dest: string, extra: Record<string, unknown> = {}) {
  return { src: tb.path, dest, include: ['*/etcd', '*/etcdctl'], stripComponents: 1, mode: '0755', ...extra };
}
