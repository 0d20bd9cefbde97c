import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflows, TEST_WORKFLOWS_PATH } from '../../src/pipeline/worker/pipeline-worker.ts';
import { resolveTemporalCli, startTemporalDevServer } from '../../src/pipeline/runtime/temporal-runtime.ts';
import { startFakeGcs } from './fake-gcs.ts';
import { FIREBASE_TEST_PROJECT, startFirebaseEmulator } from './firebase-emulator.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    firebaseEmulatorHost: string;
    firebaseProjectId: string;
    gcsEndpoint: string;
    workflowBundlePath: string;
    postgresUrl: string;
  }
}

/**
 * Starts the real outside world once per run: the Temporal dev server, the
 * Firebase Auth emulator and fake-gcs-server. Each test file then gets its own
 * PostgreSQL database, task queue and bucket, so files never share state.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [temporal, firebase, gcs, bundlePath] = await Promise.all([
    startTemporalDevServer({ executable: await resolveTemporalCli(process.env.TEMPORAL_CLI_PATH), logLevel: 'error' }),
    startFirebaseEmulator(),
    startFakeGcs(),
    writeWorkflowBundle(),
  ]);

  project.provide('temporalAddress', temporal.address);
  project.provide('firebaseEmulatorHost', firebase.host);
  project.provide('firebaseProjectId', FIREBASE_TEST_PROJECT);
  project.provide('gcsEndpoint', gcs.endpoint);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('postgresUrl', process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');

  return async () => {
    await Promise.allSettled([temporal.stop(), firebase.stop(), gcs.stop()]);
  };
}

/** One webpack build per run instead of one per worker. */
async function writeWorkflowBundle(): Promise<string> {
  // The production workflows plus the test-only ones (ping, calibration).
  const bundle = await bundleWorkflows(TEST_WORKFLOWS_PATH);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'scryon-bundle-')), 'workflows.json');
  writeFileSync(file, JSON.stringify(bundle));
  return file;
}
