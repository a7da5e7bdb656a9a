import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  // Declarations refer to the dependencies' built .d.ts (not their sources via the @tsplay/source
  // condition): the role's exported types mention module types, which rollup-dts cannot inline from .ts.
  dts: { compilerOptions: { customConditions: [] } },
  sourcemap: true,
  clean: true,
  splitting: false,
});
