/** A tsplay run's phases from the arrival times of its NDJSON events (--json), as seen by the parent. */
import { spawn } from 'node:child_process';
import { stat } from './stats.js';

export interface Phases {
  total: number;
  /** process start, imports, playbook + inventory load */
  startToRun: number;
  /** run.start to the last host connected (SSH handshake + auth, hosts in parallel) */
  connect: number;
  /** last connect to the first task (the batched fact probe) */
  probe: number;
  /** first task to the recap */
  tasks: number;
  /** recap to process exit */
  exit: number;
  /** the slowest tasks (task.end durationMs) */
  slowTasks: [string, number][];
}

export function timeline(root: string, args: string[], env: Record<string, string> = {}): Promise<Phases> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const now = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const child = spawn(process.execPath, ['packages/cli/bin/tsplay.js', ...args, '--json'], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const at: Record<string, number> = {};
    const tasks: [string, number][] = [];
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const ms = now();
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const e = JSON.parse(buf.slice(0, i)) as { type: string; task?: string; durationMs?: number };
        buf = buf.slice(i + 1);
        if (e.type === 'connect') at.connect = ms;
        else if (e.type === 'task.start') at.task ??= ms;
        else if (e.type === 'task.end') tasks.push([e.task ?? '?', e.durationMs ?? 0]);
        else at[e.type] ??= ms;
      }
    });
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', (code) => {
      const end = now();
      if (code !== 0) return reject(new Error(`tsplay exited ${code}`));
      const g = (k: string) => at[k] ?? NaN;
      resolve({
        total: end,
        startToRun: g('run.start'),
        connect: g('connect') - g('run.start'),
        probe: g('task') - g('connect'),
        tasks: g('recap') - g('task'),
        exit: end - g('recap'),
        slowTasks: tasks.sort((a, b) => b[1] - a[1]).slice(0, 4),
      });
    });
  });
}

const PHASES = ['total', 'startToRun', 'connect', 'probe', 'tasks', 'exit'] as const;

/** The median of each phase over some runs. */
export function medianPhases(runs: readonly Phases[]): Record<(typeof PHASES)[number], number> {
  return Object.fromEntries(PHASES.map((k) => [k, stat(runs.map((r) => r[k])).median])) as Record<(typeof PHASES)[number], number>;
}
