import { packageConfig } from '../../tsup.base.js';

// Two entries: `fast` is what the bin runs (node built-ins and the option table up front; the engine on
// `run`; yargs, the lab and zx only for the other commands), `index` is the library. Chunks are shared.
export default packageConfig({ entry: { index: 'src/index.ts', fast: 'src/fast.ts' }, splitting: true });
