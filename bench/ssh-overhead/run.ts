/**
 * Per-task overhead of the SSH transport against OpenSSH with ControlMaster, on a loopback sshd.
 * Run: `npx tsx bench/ssh-overhead/run.ts [count]` (needs root: the harness starts sshd).
 * The workspace packages are loaded from source, which needs the `@tsplay/source` export condition:
 * without it this file re-runs itself with `--conditions=@tsplay/source`.
 */
import { spawn } from 'node:child_process';

const CONDITION = '--conditions=@tsplay/source';

if (!process.execArgv.includes(CONDITION)) {
  const child = spawn(process.execPath, [CONDITION, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  const { main } = await import('./bench.js');
  await main(Number(process.argv[2] ?? 100));
}
