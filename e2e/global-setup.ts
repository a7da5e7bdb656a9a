/**
 * Vitest globalSetup of the e2e project: brings the lab up (3 hosts) unless it is already up, and takes it
 * down at the end only if it brought it up. Run e2e tests as root under the lab lock:
 *   flock /tmp/tsplay-lab.lock npx vitest run --project e2e
 * @tsplay/lab is imported dynamically: a static import of a workspace package from a global setup file
 * did not resolve the `@tsplay/source` condition (vitest 4 loads it in its `__vitest__` environment).
 */
type Lab = typeof import('@tsplay/lab');

async function loadLab(): Promise<Lab> {
  try {
    return await import('@tsplay/lab');
  } catch (e) {
    throw new Error(
      'e2e global setup cannot load @tsplay/lab from source: add `environments: { __vitest__: { resolve: { conditions: ' +
        "['@tsplay/source'] } } }` to vitest.config.ts (or build the packages)",
      { cause: e },
    );
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'e2e tests need root: the lab boots systemd-nspawn hosts in network namespaces with overlay mounts. ' +
        'Run them as root: flock /tmp/tsplay-lab.lock npx vitest run --project e2e',
    );
  }
  const { labDown, labUp } = await loadLab();
  const r = await labUp({ hosts: 3 });
  const broughtUp = !r.alreadyUp;
  return async () => {
    if (broughtUp) await labDown();
  };
}
