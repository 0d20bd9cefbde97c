import { describe, expect, it } from 'vitest';
import { nonConformance } from '../../harness/openapi-conformance.ts';

/** The integration suite's check of answers against the document must catch what it is there to catch. */
const CALL_ID = '3f6b1c2e-8a4d-4e7b-9c1a-5d2e7f8a9b0c';
const answer = (method: string, path: string, status: number, body?: unknown) => ({
  profile: 'dev' as const,
  method,
  path,
  status,
  body,
});
const error = (code: string) => ({ error: { code, message: 'm' } });

describe('the check of an answer against the OpenAPI document', () => {
  it('accepts declared answers, own and shared, by the route template', () => {
    expect(nonConformance(answer('GET', `/api/calls/${CALL_ID}`, 404, error('call_not_found')))).toEqual([]);
    expect(nonConformance(answer('POST', '/api/webhooks', 409, error('idempotency_key_reused')))).toEqual([]);
    expect(nonConformance(answer('GET', '/api/calls/status', 429, error('rate_limited')))).toEqual([]);
    expect(nonConformance(answer('GET', '/api/calls/status', 200, { items: [], nextPollMs: 3000 }))).toEqual([]);
  });

  it('finds an undeclared status, a code the description does not name, and a body off its schema', () => {
    expect(nonConformance(answer('GET', `/api/calls/${CALL_ID}`, 418, error('teapot')))).toEqual([
      expect.stringContaining('status not declared'),
    ]);
    expect(nonConformance(answer('DELETE', '/api/webhooks/x', 404, error('call_not_found')))).toEqual([
      expect.stringContaining('code call_not_found not named'),
    ]);
    expect(nonConformance(answer('GET', `/api/calls/${CALL_ID}`, 200, { callId: CALL_ID }))).toEqual([
      expect.stringContaining('body does not match'),
    ]);
  });

  it("leaves alone what is no operation's: an unknown path, an undeclared method", () => {
    expect(nonConformance(answer('GET', '/api/nothing-here', 404, error('not_found')))).toEqual([]);
    expect(nonConformance(answer('PUT', '/api/calls/status', 405, error('method_not_allowed')))).toEqual([]);
  });
});
