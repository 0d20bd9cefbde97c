import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

describe.each(['postgres', 'pglite'] as const)('health on %s', (database) => {
  let scryon: TestApp;
  beforeAll(async () => {
    scryon = await startTestApp({ database, roles: { api: true, worker: false } });
  });
  afterAll(() => scryon.close());

  it('answers UP with the version and no authentication', async () => {
    const response = await scryon.fetch('/api/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'UP', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('echoes a client X-Request-Id and generates one otherwise', async () => {
    const echoed = await scryon.fetch('/api/health', { headers: { 'x-request-id': 'trace-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
    const generated = await scryon.fetch('/api/health', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('health when the database is unreachable', () => {
  let scryon: TestApp;
  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
  });
  afterAll(() => scryon.close());

  it('answers 503 DOWN naming the database', async () => {
    const db = scryon.db!;
    await db.admin(`alter database ${db.name} with allow_connections false`);
    await db.admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${db.name}'`);
    try {
      const response = await scryon.fetch('/api/health');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'DOWN', components: { database: 'DOWN', temporal: 'UP' } });
    } finally {
      await db.admin(`alter database ${db.name} with allow_connections true`);
    }
  });
});
