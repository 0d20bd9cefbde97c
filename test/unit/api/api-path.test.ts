import { describe, expect, it } from 'vitest';
import { isApiRequest } from '../../../src/api/http/api-path.ts';
import { checkRequestHeaders } from '../../../src/api/http/header-limits.ts';

describe('what counts as a request for /api', () => {
  it.each([
    '/api',
    '/api/',
    '/api/calls',
    '/api/health?x=1',
    '/%61pi/calls',
    '/%2561pi/calls',
    '/API/calls',
    '//api/calls',
    '/api%2Fcalls',
    '/api%2fcalls',
    '\\api\\calls',
    '/./api/calls',
    '/x/../api/calls',
    '/api;jsessionid=1/calls',
    '/%20api/calls',
    'http://host/api/calls',
    'HTTPS://host:8443/%61pi',
  ])('%s is', (url) => {
    expect(isApiRequest(url, undefined)).toBe(true);
  });

  it.each(['/', '/apiary', '/trpc/users.me', '/graphql', '/api.json', '/x/api/calls', '/%E0%A4%A', '*'])(
    '%s is not',
    (url) => {
      expect(isApiRequest(url, undefined)).toBe(false);
    },
  );

  it('trusts the routed pattern whatever the raw URL spelled', () => {
    expect(isApiRequest('/anything', '/api/calls/:id')).toBe(true);
    expect(isApiRequest('/graphql', '/graphql')).toBe(false);
  });
});

describe('bounded request headers', () => {
  it('passes ordinary values and absent headers', () => {
    expect(checkRequestHeaders({})).toBeUndefined();
    expect(
      checkRequestHeaders({ 'idempotency-key': 'k'.repeat(255), 'x-local-user-id': 'u'.repeat(128) }),
    ).toBeUndefined();
  });

  it('names each header that is too long or carries a control character', () => {
    const error = checkRequestHeaders({ 'idempotency-key': 'k'.repeat(256), 'x-local-user-id': 'a\u0001b' });
    expect(error).toMatchObject({
      code: 'validation_failed',
      details: {
        fields: {
          'Idempotency-Key': 'must be at most 255 characters',
          'X-Local-User-Id': 'must not contain control characters',
        },
      },
    });
  });
});
