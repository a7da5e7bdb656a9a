import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connectSsh } from '@tsplay/ssh';
import { createTestUser, removeTestUser, run, startSshd } from '@tsplay/ssh/testing';

// A fresh user: root's own ~/.bashrc (sourced by bash for every ssh command) would be measured too.
const USER = 'tsplaybench';

function ssh(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const c = spawn('ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (b: Buffer) => (err += b.toString()));
    c.on('error', reject);
    c.on('exit', (code) => (code === 0 ? resolve(0) : reject(new Error(`ssh exited ${code}: ${err.trim()}`))));
  });
}

const ms = (ns: bigint): number => Number(ns) / 1e6;

export async function main(count: number): Promise<void> {
  const user = USER;
  const sshd = await startSshd();
  await createTestUser(user);
  try {
    await sshd.authorize(user);
    const control = join(sshd.dir, 'cm-%C');
    const base = [
      '-F',
      '/dev/null',
      '-o',
      'BatchMode=yes',
      '-o',
      `UserKnownHostsFile=${sshd.knownHosts}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'ControlMaster=auto',
      '-o',
      `ControlPath=${control}`,
      '-o',
      'ControlPersist=60',
      '-i',
      sshd.clientKey.path,
      '-p',
      String(sshd.port),
      `${user}@127.0.0.1`,
    ];

    // tsplay: connect once (timed separately), then `count` sequential no-op execs.
    const c0 = process.hrtime.bigint();
    const conn = await connectSsh(sshd.spec(user), { env: {}, home: join(sshd.dir, 'home') });
    const c1 = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const r = await conn.exec('true');
      if (r.code !== 0) throw new Error(`exec failed: ${r.stderr}`);
    }
    const c2 = process.hrtime.bigint();
    await conn.close();

    // OpenSSH: the first command opens the master (timed separately), then `count` multiplexed commands.
    const o0 = process.hrtime.bigint();
    await ssh([...base, 'true']);
    const o1 = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await ssh([...base, 'true']);
    const o2 = process.hrtime.bigint();
    await run('ssh', ['-F', '/dev/null', '-o', `ControlPath=${control}`, '-O', 'exit', '-p', String(sshd.port), `${user}@127.0.0.1`]).catch(
      () => '',
    );

    const tsplay = ms(c2 - c1);
    const openssh = ms(o2 - o1);
    const lines = [
      `ssh-overhead: ${count} sequential no-op tasks (\`true\`) on one loopback sshd (OpenSSH), one connection each side`,
      `  tsplay SshConnection : connect ${ms(c1 - c0).toFixed(1)} ms, ${count} execs ${tsplay.toFixed(1)} ms = ${(tsplay / count).toFixed(2)} ms/task`,
      `  ssh ControlMaster    : master ${ms(o1 - o0).toFixed(1)} ms, ${count} cmds  ${openssh.toFixed(1)} ms = ${(openssh / count).toFixed(2)} ms/task`,
      `  ratio (OpenSSH / tsplay per task): ${(openssh / tsplay).toFixed(2)}x`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await sshd.stop().finally(() => removeTestUser(user));
  }
}
