import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quote } from '@tsplay/core';
import { run } from './run.js';

export interface TestAgent {
  socket: string;
  /** `ssh-add`; a passphrase is given through SSH_ASKPASS. */
  add(keyPath: string, passphrase?: string): Promise<void>;
  stop(): Promise<void>;
}

/** `ssh-agent -D -a SOCK` in the foreground; ready once it prints its environment lines. */
export async function startAgent(dir: string): Promise<TestAgent> {
  const socket = join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('SSH_AUTH_SOCK')) resolve();
    });
    child.once('exit', (c) => reject(new Error(`ssh-agent exited with ${c}`)));
    child.once('error', reject);
  });
  return {
    socket,
    add: async (keyPath, passphrase) => {
      const env: NodeJS.ProcessEnv = { ...process.env, SSH_AUTH_SOCK: socket };
      if (passphrase !== undefined) {
        const askpass = join(dir, 'askpass.sh');
        await writeFile(askpass, `#!/bin/sh\nprintf '%s\\n' ${quote(passphrase)}\n`, { mode: 0o700 });
        Object.assign(env, { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' });
      }
      await run('ssh-add', ['-q', keyPath], { env });
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
