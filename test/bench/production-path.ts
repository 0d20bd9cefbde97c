import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveTemporalCli, startTemporalDevServer } from '../../src/pipeline/runtime/temporal-runtime.ts';
import { startFakeGcs } from '../harness/fake-gcs.ts';
import { FIREBASE_TEST_PROJECT, startFirebaseEmulator } from '../harness/firebase-emulator.ts';
import { createScratchDatabase } from '../harness/scratch-database.ts';

/**
 * What production runs, started for a bench: PostgreSQL (a fresh database on
 * the machine's server), a Temporal server reached by address, fake-gcs-server
 * for GCS and the Firebase Auth emulator for real ID tokens. The API itself
 * runs in its own process (server-process.ts) with this environment.
 */
export interface ProductionPath {
  env: Record<string, string>;
  /** A new emulator account's ID token, verified by Scryon as a production token would be. */
  signUp(): Promise<string>;
  stop(): Promise<void>;
}

export async function startProductionPath(extra: Record<string, string> = {}): Promise<ProductionPath> {
  const database = await createScratchDatabase('scryon_bench');
  const [temporal, firebase, gcs] = await Promise.all([
    startTemporalDevServer({ executable: await resolveTemporalCli(process.env.TEMPORAL_CLI_PATH), logLevel: 'error' }),
    startFirebaseEmulator(),
    startFakeGcs(),
  ]);
  const env: Record<string, string> = {
    SCRYON_PROFILE: 'staging',
    SCRYON_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'scryon-bench-prod-')),
    LOG_LEVEL: 'info',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `scryon-bench-${randomBytes(4).toString('hex')}`,
    FIREBASE_PROJECT_ID: FIREBASE_TEST_PROJECT,
    FIREBASE_AUTH_EMULATOR_HOST: firebase.host,
    OBJECT_STORAGE_PROVIDER: 'gcs',
    GCS_BUCKET: `scryon-bench-${randomBytes(4).toString('hex')}`,
    GCS_API_ENDPOINT: gcs.endpoint,
    GOOGLE_CLOUD_PROJECT: 'scryon-bench',
    SCRYON_SANDBOX_PROVIDERS: 'true',
    // One user polling thousands of times a second is the bench, not abuse: the limiter still runs, and never refuses.
    SCRYON_RATE_LIMIT_IP_PER_MINUTE: '1000000000',
    SCRYON_RATE_LIMIT_USER_PER_MINUTE: '1000000000',
    ...extra,
  };
  return {
    env,
    async signUp() {
      const response = await fetch(
        `http://${firebase.host}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake-api-key`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            email: `bench-${randomUUID().slice(0, 8)}@example.test`,
            password: 'secret-password',
            returnSecureToken: true,
          }),
        },
      );
      if (!response.ok) throw new Error(`emulator sign-up failed: ${response.status}`);
      return ((await response.json()) as { idToken: string }).idToken;
    },
    async stop() {
      await Promise.allSettled([temporal.stop(), firebase.stop(), gcs.stop()]);
      await database.drop();
    },
  };
}
