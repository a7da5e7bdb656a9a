import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secret, type TsplayError } from '@tsplay/core';
import { connectSsh } from './index.js';
import { createTestUser, removeTestUser, startSshd, type TestSshd } from './testing/index.js';

const USER = 'tsplaysu';
const PW = 'su-pass word';
let sshd: TestSshd;
let dir: string;

/** A stand-in for util-linux su (becomeExe): prompts on stderr, reads the password from stdin, then runs the command. */
const FAKE_SU = `#!/bin/sh
printf 'Password: ' >&2
IFS= read -r pw
[ "$pw" = '${PW}' ] || { echo "su: Authentication failure" >&2; exit 1; }
shift 3; exec /bin/sh "$@"
`;

beforeAll(async () => {
  sshd = await startSshd();
  await createTestUser(USER);
  await sshd.authorize(USER);
  dir = await mkdtemp(join(tmpdir(), 'tsplay-su-'));
  await chmod(dir, 0o755);
  await writeFile(join(dir, 'su'), FAKE_SU, { mode: 0o755 });
});

afterAll(async () => {
  await sshd?.stop();
  await removeTestUser(USER);
  await rm(dir, { recursive: true, force: true });
});

describe('su with a password over a real SSH channel', () => {
  it("the command's stdin and stderr are its own: su's prompt is cut, the password never shows", async () => {
    const conn = await connectSsh(sshd.spec(USER, { becomeMethod: 'su', becomePassword: secret(PW), becomeExe: join(dir, 'su') }), {
      env: {},
    });
    try {
      const r = await conn.exec('cat; echo err >&2; exit 4', { become: true, stdin: 'payload\n' });
      expect(r).toEqual({ code: 4, stdout: 'payload\n', stderr: 'err\n' });
      // the fake su stays the SSH user: write in its home
      await conn.put(`/home/${USER}/via-su`, 'bytes', { become: true });
      expect((await conn.read(`/home/${USER}/via-su`, { become: true })).toString()).toBe('bytes');
      expect(await conn.stat(`/home/${USER}/via-su`, { become: true })).toMatchObject({ exists: true, size: 5 });
    } finally {
      await conn.close();
    }
  });

  it('a wrong password is BECOME_FAILED naming the host, without the password', async () => {
    const conn = await connectSsh(sshd.spec(USER, { becomeMethod: 'su', becomePassword: secret('not-it'), becomeExe: join(dir, 'su') }), {
      env: {},
    });
    try {
      const e = (await conn.exec('id', { become: true }).catch((x: unknown) => x)) as TsplayError;
      expect(e.code).toBe('BECOME_FAILED');
      expect(e.message).toBe('su refused the become password');
      expect(e.host).toBe(conn.host);
      expect(JSON.stringify({ ...e, message: e.message })).not.toContain('not-it');
    } finally {
      await conn.close();
    }
  });
});
