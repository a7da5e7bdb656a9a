import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { residentOn } from './client.js';

/** Import now what every run needs, so that the first hosted run finds it loaded (and recorded). */
async function warm(): Promise<void> {
  await Promise.all([
    import('../commands/run.js'),
    import('@tsplay/core'),
    import('@tsplay/core/engine'),
    import('@tsplay/core/module'),
    import('@tsplay/modules'),
    import('../reporters/json.js'),
    import('../reporters/tty.js'),
  ]);
}

/**
 * `tsplay __persist-daemon`: the per-user daemon. Unless TSPLAY_RESIDENT=0 in the env it was started with, it
 * also hosts whole runs (the resident runner): every file it loads is recorded first (its own chunks, then
 * through a resolve hook), and a run is hosted only while none changed.
 */
export async function daemonMain(): Promise<void> {
  if (!residentOn(process.env)) return (await import('@tsplay/ssh')).runPersistDaemon();
  const { LoadedFiles, persistSeconds, watchLoaded } = await import('@tsplay/ssh/resident');
  const files = new LoadedFiles();
  // loaded before the hook: the CLI's chunks and the ssh package's (in dist, every file of both directories)
  for (const url of [import.meta.url, import.meta.resolve('@tsplay/ssh/resident')]) files.addDir(dirname(fileURLToPath(url)));
  watchLoaded(files);
  const [{ runPersistDaemon }, { residentProgram }] = await Promise.all([import('@tsplay/ssh'), import('./program.js')]);
  // idle, it waits TSPLAY_PERSIST seconds (default 60) for a run, as a connection waits for its next use
  const idleExitMs = persistSeconds(undefined, process.env) * 1000;
  const done = runPersistDaemon({ idleExitMs, resident: { program: residentProgram(), files } });
  await warm().catch(() => undefined); // a run that then fails to load says why itself
  await done;
}
