import { Writable } from 'node:stream';
import type pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../../src/api/http/server.ts';
import { createAuthenticator } from '../../../src/auth/authenticator.ts';
import { createLogger } from '../../../src/observability/logger.ts';

async function serverLoggingAt(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()),
  });
  const logger = createLogger(level, 'test', sink as unknown as pino.DestinationStream);
  const authenticator = createAuthenticator({
    verifier: undefined,
    provision: () => Promise.reject(new Error('not used')),
  });
  const app = await buildHttpServer({ logger, version: 'test', apiKey: undefined, authenticator, healthProbes: [] });
  return { app, lines };
}

describe('request logs', () => {
  it('carry the request id on every line of a request', async () => {
    const { app, lines } = await serverLoggingAt('info');
    const response = await app.inject({ method: 'GET', url: '/api/nowhere', headers: { 'x-request-id': 'trace-42' } });
    expect(response.statusCode).toBe(404);
    expect(lines.map((line) => [line.reqId, line.msg])).toEqual([
      ['trace-42', 'rejected 404 not_found: No route matches this request'],
      ['trace-42', 'request completed'],
    ]);
    await app.close();
  });

  it('keep a successful read at debug, so the info log has no line per poll', async () => {
    const atInfo = await serverLoggingAt('info');
    expect((await atInfo.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    expect(atInfo.lines.filter((line) => line.msg === 'request completed')).toEqual([]);
    await atInfo.app.close();
    const atDebug = await serverLoggingAt('debug');
    expect((await atDebug.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    expect(atDebug.lines.filter((line) => line.msg === 'request completed')).toMatchObject([
      { level: 'debug', route: '/api/health', status: 200 },
    ]);
    await atDebug.app.close();
  });

  it('write nothing for a request below the configured level', async () => {
    const { app, lines } = await serverLoggingAt('warn');
    expect((await app.inject({ method: 'GET', url: '/api/nowhere' })).statusCode).toBe(404);
    expect(lines).toEqual([]);
    await app.close();
  });
});
