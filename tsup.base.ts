import { defineConfig, type Options } from 'tsup';

/**
 * The one build setup of every package: ESM for node 20, declarations, source maps.
 * Declarations refer to the dependencies' built .d.ts, not their sources via the
 * `@tsplay/source` condition (rollup-dts cannot inline another package's .ts).
 */
export function packageConfig(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    dts: { compilerOptions: { customConditions: [] } },
    sourcemap: true,
    clean: true,
    splitting: false,
    ...overrides,
  });
}
