import { packageConfig } from '../../tsup.base.js';

// Four entry points share chunks (`splitting`), so a class such as TsplayError or Secret exists once at run
// time, whichever subpath a caller imports it from; their types are declared once too (src/declarations.ts;
// entry-declarations.mjs, run after tsup by `build`, writes each entry's .d.ts).
// yaml goes into the bundle: as a dependency it is ~60 CommonJS files for node to resolve and wrap
// on every start, bundled it is part of one file (only the inventory loader reads it). Its CommonJS
// code requires node built-ins, so the bundle gets a real `require`.
export default packageConfig({
  entry: { index: 'src/index.ts', module: 'src/module-api.ts', transport: 'src/transport-api.ts', engine: 'src/engine-api.ts' },
  splitting: true,
  dts: { entry: { declarations: 'src/declarations.ts' }, compilerOptions: { customConditions: [] } },
  noExternal: ['yaml'],
  banner: { js: "import { createRequire as __tsplayRequire } from 'node:module';\nconst require = __tsplayRequire(import.meta.url);" },
});
