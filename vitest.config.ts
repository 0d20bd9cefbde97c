import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql ships ESM and CJS builds; Node (and so production) loads the CJS one
// for every importer. Tests must too, or schema objects cross module realms.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

// Two tiers: pure unit tests, and integration tests (the attacker's-eye
// security suite among them) that talk to real
// PostgreSQL, the Temporal dev server, fake-gcs-server and the Firebase Auth
// emulator, started once per run by the global setup.
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/security/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          setupFiles: ['test/harness/after-each-file.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
