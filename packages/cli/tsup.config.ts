import { packageConfig } from '../../tsup.base.js';

// chunks: `run` must not load what only other commands need (yargs, the lab, zx)
export default packageConfig({ splitting: true });
