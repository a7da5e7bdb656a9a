import { packageConfig } from '../../tsup.base.js';

// yaml goes into the bundle: as a dependency it is ~60 CommonJS files for node to resolve and wrap
// on every start, bundled it is part of one file (only the inventory loader reads it). Its CommonJS
// code requires node built-ins, so the bundle gets a real `require`.
export default packageConfig({
  noExternal: ['yaml'],
  banner: { js: "import { createRequire as __tsplayRequire } from 'node:module';\nconst require = __tsplayRequire(import.meta.url);" },
});
