import { defineConfig } from 'vitest/config';

/**
 * The deliberate type break that proves the `types` project can fail (packages/ssh/src/typecheck.test.ts)
 * is kept out of every normal run; that test sets TSPLAY_TYPECHECK_PROOF=1 to include it.
 */
const typeProof = process.env.TSPLAY_TYPECHECK_PROOF === '1';
const typeBreak = '**/fixtures/type-break/**';

export default defineConfig({
  resolve: { conditions: ['@tsplay/source'] },
  ssr: { resolve: { conditions: ['@tsplay/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'inventories/**/*.test.ts',
            'playbooks/**/*.test.ts',
            'scripts/**/*.test.ts',
            'docs/examples/**/*.test.ts',
            'bench/lib/**/*.test.ts',
          ],
          testTimeout: 60_000,
          // Setup hooks run real tools (ansible-vault, age, sshd); on a loaded 2-core machine they take seconds.
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // expectTypeOf / assertType in *.test-d.ts, checked by tsc: a type error fails the run (and CI).
          name: 'types',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ['packages/*/src/**/*.test-d.ts'],
            exclude: typeProof ? [] : [typeBreak],
            tsconfig: typeProof ? 'packages/ssh/tsconfig.typebreak.json' : 'packages/ssh/tsconfig.typetests.json',
            ignoreSourceErrors: false,
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['e2e/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
