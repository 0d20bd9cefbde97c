import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type { SurfacePlugin } from '../../src/api/http/server.ts';
import { startScryon, type Roles, type RunningScryon } from '../../src/app/start-scryon.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { recordAnswer } from './openapi-conformance.ts';
import { TEST_ACTIVITIES } from './test-activities.ts';

export interface TestAppOptions {
  /** `postgres` (default): a fresh database on the machine's PostgreSQL; `pglite`: embedded. */
  database?: 'postgres' | 'pglite';
  env?: Record<string, string>;
  roles?: Roles;
  extraSurfaces?: SurfacePlugin[];
  /** Reuse another app's database and queue (two API instances on one database). */
  shareWith?: TestApp;
  /** Keep every log line (at LOG_LEVEL, default `info` here) so a test can assert what was logged. */
  captureLogs?: boolean;
  /** Spans go here (an in-memory exporter) instead of nowhere. */
  spanProcessor?: SpanProcessor;
  /** Listen here instead of an ephemeral port, when the URL must be known before start (a provider's callback URL). */
  port?: number;
  /** Instead of the run's bundle (one with tracing's workflow interceptors, say). */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /**
   * Error lines this app is expected to log, because the test itself breaks
   * the server (a fault injected into the database, say). Any other error line
   * fails a security test file: a client must never be able to cause one.
   */
  expectedServerErrors?: RegExp;
}

export interface TestApp {
  app: RunningScryon;
  url: string;
  db: TestDatabase | undefined;
  env: Record<string, string>;
  /** Every log line written so far: at LOG_LEVEL with `captureLogs`, else the error lines only. */
  logLines: string[];
  /** Error and fatal lines the test did not declare with `expectedServerErrors`. */
  unexpectedServerErrors(): string[];
  fetch(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  close(): Promise<void>;
}

let cachedBundle: WorkflowBundleWithSourceMap | undefined;
function workflowBundle() {
  cachedBundle ??= JSON.parse(readFileSync(inject('workflowBundlePath'), 'utf8')) as WorkflowBundleWithSourceMap;
  return cachedBundle;
}

/** Starts the real Scryon against the run's Temporal, Firebase emulator and fake-gcs-server. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.shareWith;
  const db = shared ? shared.db : options.database === 'pglite' ? undefined : await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scryon-test-'));
  const suffix = randomBytes(4).toString('hex');
  const env: Record<string, string> = shared
    ? { ...shared.env }
    : {
        SCRYON_PROFILE: 'dev',
        SCRYON_DATA_DIR: dataDir,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: `scryon-test-${suffix}`,
        FIREBASE_PROJECT_ID: inject('firebaseProjectId'),
        FIREBASE_AUTH_EMULATOR_HOST: inject('firebaseEmulatorHost'),
        OBJECT_STORAGE_PROVIDER: 'local',
        OBJECT_STORAGE_LOCAL_PATH: path.join(dataDir, 'storage'),
        SCRYON_SANDBOX_PROVIDERS: 'true',
        ...(db ? { DATABASE_URL: db.url } : {}),
      };
  if (options.captureLogs && !options.env?.LOG_LEVEL) env.LOG_LEVEL = 'info';
  Object.assign(env, options.env);
  const config = loadConfig(env);
  const logLines: string[] = [];
  // Error lines are always kept, whatever LOG_LEVEL says, so a file can check that no client caused one.
  const level = options.captureLogs || config.logLevel !== 'silent' ? config.logLevel : 'error';
  const logger = createLogger(level, 'scryon', { write: (line: string) => void logLines.push(line) });
  const app = await startScryon(config, options.roles ?? { api: true, worker: true }, {
    logger,
    workflowBundle: options.workflowBundle ?? workflowBundle(),
    testActivities: TEST_ACTIVITIES,
    ...(options.spanProcessor ? { spanProcessor: options.spanProcessor } : {}),
    extraSurfaces: options.extraSurfaces ?? [],
    listen: { port: options.port ?? 0, host: '127.0.0.1' },
  });
  const url = app.url as string;
  const testApp: TestApp = {
    app,
    url,
    db,
    env,
    logLines,
    async fetch(requestPath, init = {}) {
      const { token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      const answer = await fetch(`${url}${requestPath}`, { ...rest, headers });
      recordAnswer(env.SCRYON_PROFILE, rest.method ?? 'GET', requestPath, answer);
      return answer;
    },
    unexpectedServerErrors() {
      const errors = logLines.filter((line) => /"level":"(error|fatal)"/.test(line));
      return options.expectedServerErrors ? errors.filter((line) => !options.expectedServerErrors!.test(line)) : errors;
    },
    async close() {
      await app.close();
      if (!shared) {
        await db?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  startedApps.push(testApp);
  return testApp;
}

/** The apps this test file started, for the check that runs after it. */
export const startedApps: TestApp[] = [];

/**
 * Runs `open`, which opens a subscription, and resolves once a stream has
 * joined the call event log on this instance since: from then on, the
 * subscription hears every change.
 */
export async function opened(scryon: TestApp, open: () => void): Promise<void> {
  const joins = () => scryon.app.services.callEvents.joinsInTotal();
  const before = joins();
  open();
  while (joins() <= before) await new Promise((resolve) => setTimeout(resolve, 10));
}
