import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../harness/free-port.ts';

/** Scryon on its embedded default (PGlite, its own Temporal dev server, file storage), local-dev user. */
export async function benchEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scryon-bench-'));
  return {
    SCRYON_PROFILE: 'dev',
    SCRYON_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    TEMPORAL_UI_PORT: String(await freePort()),
    FIREBASE_PROJECT_ID: '',
    // One user polling thousands of times a second is the bench, not abuse: the limiter still runs, and never refuses.
    SCRYON_RATE_LIMIT_IP_PER_MINUTE: '1000000000',
    SCRYON_RATE_LIMIT_USER_PER_MINUTE: '1000000000',
    ...extra,
  };
}
