/**
 * The connections both tools keep between runs in the bench, and how the bench lets them go.
 *
 * Every timed run follows a warm-up run of its tool, so it should start with that tool's connections
 * open. Between two runs of one tool the others run: at 20 hosts ~3 minutes of Ansible and Mitogen, at
 * 200 hosts one Ansible run of ~12 minutes. Both tools therefore keep their connections for 30 minutes
 * here (tsplay's `TSPLAY_PERSIST`, Ansible's `ControlPersist` in ansible.cfg: the same figure), and the
 * bench closes them itself when the lab changes size and when it ends.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { persistDaemons } from './workstation.js';

/** Seconds a connection stays open after a run, for both tools (bench/ansible/ansible.cfg says 1800s too). */
export const BENCH_PERSIST_S = 1800;
/** Ansible's `control_path_dir` in bench/ansible/ansible.cfg. */
export const ANSIBLE_CONTROL_DIR = '/tmp/tsplay-bench-ansible/cp';

/** Ask every Ansible ControlPersist master in `dir` to exit (`ssh -O exit`), then drop the directory. */
export function closeAnsibleMasters(dir = ANSIBLE_CONTROL_DIR): number {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // no master was ever started
  }
  for (const name of names) {
    spawnSync('ssh', ['-o', `ControlPath=${join(dir, name)}`, '-O', 'exit', 'bench-master'], { stdio: 'ignore', timeout: 10_000 });
  }
  rmSync(dir, { recursive: true, force: true });
  return names.length;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Stop the persist daemons of this checkout's CLI (`<root>/packages/cli/bin/tsplay.js __persist-daemon`). */
export function stopTsplayDaemons(root = ROOT): number {
  const ours = persistDaemons(join(root, 'packages/cli/bin/tsplay.js'));
  for (const pid of ours) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone already */
    }
  }
  return ours.length;
}

/** Both of the above: the lab is about to change (or the bench ends), so no connection outlives its host. */
export function releasePersisted(): void {
  closeAnsibleMasters();
  stopTsplayDaemons();
}
