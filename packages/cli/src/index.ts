// The bin runs `main` from dist/fast.js (nothing but node built-ins up front); this entry is the library.
import './error-codes.js';
export { main } from './fast.js';
export { runCommand } from './commands/run.js';
export { importTs } from './loader.js';
export { connectHost } from './connect.js';
export { exitCodeFor } from './exit-code.js';
export { jsonReporter } from './reporters/json.js';
export { plainReporter } from './reporters/plain.js';
