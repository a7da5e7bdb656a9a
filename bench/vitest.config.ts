import { defineConfig } from 'vitest/config';

/** The bench's pure unit tests (`npx vitest run -c bench/vitest.config.ts`); the root config's unit project does not include bench/. */
export default defineConfig({
  resolve: { conditions: ['@tsplay/source'] },
  ssr: { resolve: { conditions: ['@tsplay/source'] } },
  test: { name: 'bench-unit', root: 'bench', include: ['lib/**/*.test.ts'] },
});
