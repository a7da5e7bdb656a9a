import { existsSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LAB_CGROUP = 'tsplay-lab';

/**
 * Cgroup hierarchies a supervisor moves itself into: the unified one (`/sys/fs/cgroup` on a pure v2
 * machine, `/sys/fs/cgroup/unified` on a hybrid one) and, on hybrid machines, `name=systemd`
 * (what systemd-nspawn uses there). The first root is the unified one (it has cgroup.kill).
 */
export function cgroupRoots(): string[] {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return ['/sys/fs/cgroup'];
  return ['/sys/fs/cgroup/unified', '/sys/fs/cgroup/systemd'].filter((r) => existsSync(join(r, 'cgroup.procs')));
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory());
  } catch {
    return [];
  }
}

/** Every process in `dir` and below. */
export function cgroupPids(dir: string): number[] {
  const out: number[] = [];
  try {
    for (const l of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (l) out.push(Number(l));
  } catch {
    return out;
  }
  for (const d of subdirs(dir)) out.push(...cgroupPids(join(dir, d)));
  return out;
}

/** Kill everything in `rel` (e.g. `tsplay-lab/h0`) in every hierarchy: cgroup.kill where there is one, else SIGKILL each pid. */
export function killCgroup(rel: string): void {
  for (const root of cgroupRoots()) {
    const dir = join(root, rel);
    if (!existsSync(dir)) continue;
    if (existsSync(join(dir, 'cgroup.kill'))) {
      writeFileSync(join(dir, 'cgroup.kill'), '1');
      continue;
    }
    for (const pid of cgroupPids(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

/** Processes still in the lab's cgroups (any hierarchy). */
export function labCgroupPids(): number[] {
  return [...new Set(cgroupRoots().flatMap((r) => cgroupPids(join(r, LAB_CGROUP))))];
}

/** rmdir `dir` depth-first; false when some cgroup could not be removed yet (still populated). */
export function removeCgroupTree(dir: string): boolean {
  if (!existsSync(dir)) return true;
  let ok = true;
  for (const d of subdirs(dir)) ok = removeCgroupTree(join(dir, d)) && ok;
  try {
    rmdirSync(dir);
  } catch {
    ok = false;
  }
  return ok;
}

/** The lab's cgroup directories that exist now, in every hierarchy. */
export function labCgroupDirs(): string[] {
  return cgroupRoots()
    .map((r) => join(r, LAB_CGROUP))
    .filter((d) => existsSync(d));
}
