import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../harness/audio.ts';
import { json, uploadCall } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { graphql } from '../harness/graphql-client.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

// Every answer this file receives under /api must be one the OpenAPI document declares.
/** One bad input of one operation, as each surface spells it. */
interface BadInput {
  name: string;
  code: string;
  rest: { method: string; path: string; body?: unknown };
  trpc: { path: string; type: 'query' | 'mutation'; input: unknown };
  graphql?: { query: string; variables: Record<string, unknown> };
}

const manyIds = Array.from({ length: 101 }, () => randomUUID());

/**
 * The operation table: every surface runs one definition, so the same bad
 * input must get the same error code on REST, tRPC and GraphQL.
 */
function badInputs(foreignCallId: string): BadInput[] {
  const unknownId = randomUUID();
  return [
    {
      name: 'calls.statuses with an id that is not a UUID',
      code: 'validation_failed',
      rest: { method: 'GET', path: '/api/calls/status?ids=not-a-uuid' },
      trpc: { path: 'calls.statuses', type: 'query', input: { ids: ['not-a-uuid'] } },
      graphql: {
        query: 'query ($ids: [ID!]!) { callStatuses(ids: $ids) { callId } }',
        variables: { ids: ['not-a-uuid'] },
      },
    },
    {
      name: 'calls.statuses with 101 ids',
      code: 'validation_failed',
      rest: { method: 'GET', path: `/api/calls/status?ids=${manyIds.join(',')}` },
      trpc: { path: 'calls.statuses', type: 'query', input: { ids: manyIds } },
      graphql: { query: 'query ($ids: [ID!]!) { callStatuses(ids: $ids) { callId } }', variables: { ids: manyIds } },
    },
    {
      name: 'calls.list with a limit of 101',
      code: 'validation_failed',
      rest: { method: 'GET', path: '/api/calls?limit=101' },
      trpc: { path: 'calls.list', type: 'query', input: { limit: 101 } },
      graphql: { query: '{ calls(first: 101) { edges { node { id } } } }', variables: {} },
    },
    {
      name: 'calls.list with a forged cursor',
      code: 'validation_failed',
      rest: { method: 'GET', path: '/api/calls?cursor=bm90LWEtY3Vyc29y' },
      trpc: { path: 'calls.list', type: 'query', input: { cursor: 'bm90LWEtY3Vyc29y' } },
      graphql: { query: '{ calls(after: "bm90LWEtY3Vyc29y") { edges { node { id } } } }', variables: {} },
    },
    {
      name: 'users.updateMe with a 101-character displayName',
      code: 'validation_failed',
      rest: { method: 'PATCH', path: '/api/users/me', body: { displayName: 'x'.repeat(101) } },
      trpc: { path: 'users.updateMe', type: 'mutation', input: { displayName: 'x'.repeat(101) } },
      graphql: {
        query: 'mutation ($name: String!) { updateMe(displayName: $name) { id } }',
        variables: { name: 'x'.repeat(101) },
      },
    },
    {
      name: 'users.updateMe with a 20,000-character displayName',
      code: 'validation_failed',
      rest: { method: 'PATCH', path: '/api/users/me', body: { displayName: 'a '.repeat(10_000) } },
      trpc: { path: 'users.updateMe', type: 'mutation', input: { displayName: 'a '.repeat(10_000) } },
      graphql: {
        query: 'mutation ($name: String!) { updateMe(displayName: $name) { id } }',
        variables: { name: 'a '.repeat(10_000) },
      },
    },
    {
      name: 'users.updateMe with a blank displayName',
      code: 'validation_failed',
      rest: { method: 'PATCH', path: '/api/users/me', body: { displayName: '   ' } },
      trpc: { path: 'users.updateMe', type: 'mutation', input: { displayName: '   ' } },
      graphql: {
        query: 'mutation ($name: String!) { updateMe(displayName: $name) { id } }',
        variables: { name: '   ' },
      },
    },
    {
      name: 'calls.deleteMany with no ids',
      code: 'validation_failed',
      rest: { method: 'DELETE', path: '/api/calls', body: { callIds: [] } },
      trpc: { path: 'calls.deleteMany', type: 'mutation', input: { callIds: [] } },
      graphql: { query: 'mutation ($ids: [ID!]!) { deleteCalls(ids: $ids) { deleted } }', variables: { ids: [] } },
    },
    {
      name: 'calls.deleteMany with 101 ids',
      code: 'validation_failed',
      rest: { method: 'DELETE', path: '/api/calls', body: { callIds: manyIds } },
      trpc: { path: 'calls.deleteMany', type: 'mutation', input: { callIds: manyIds } },
      graphql: { query: 'mutation ($ids: [ID!]!) { deleteCalls(ids: $ids) { deleted } }', variables: { ids: manyIds } },
    },
    {
      name: 'calls.delete of an unknown call',
      code: 'call_not_found',
      rest: { method: 'DELETE', path: `/api/calls/${unknownId}` },
      trpc: { path: 'calls.delete', type: 'mutation', input: { id: unknownId } },
      graphql: { query: 'mutation ($id: ID!) { deleteCall(id: $id) }', variables: { id: unknownId } },
    },
    {
      name: "calls.delete of another user's call",
      code: 'call_not_found',
      rest: { method: 'DELETE', path: `/api/calls/${foreignCallId}` },
      trpc: { path: 'calls.delete', type: 'mutation', input: { id: foreignCallId } },
      graphql: { query: 'mutation ($id: ID!) { deleteCall(id: $id) }', variables: { id: foreignCallId } },
    },
    {
      name: 'calls.delete with a 5,000-character id',
      code: 'validation_failed',
      rest: { method: 'DELETE', path: '/api/calls', body: { callIds: ['x'.repeat(5000)] } },
      trpc: { path: 'calls.deleteMany', type: 'mutation', input: { callIds: ['x'.repeat(5000)] } },
      graphql: {
        query: 'mutation ($ids: [ID!]!) { deleteCalls(ids: $ids) { deleted } }',
        variables: { ids: ['x'.repeat(5000)] },
      },
    },
    {
      name: "calls.reanalyze of another user's call",
      code: 'call_not_found',
      rest: { method: 'POST', path: `/api/calls/${foreignCallId}/reanalyze` },
      trpc: { path: 'calls.reanalyze', type: 'mutation', input: { id: foreignCallId } },
      graphql: { query: 'mutation ($id: ID!) { reanalyzeCall(id: $id) { id } }', variables: { id: foreignCallId } },
    },
    {
      name: 'actions.updateStatus of an unknown item',
      code: 'action_item_not_found',
      rest: { method: 'PATCH', path: `/api/actions/${unknownId}`, body: { status: 'DONE' } },
      trpc: { path: 'actions.updateStatus', type: 'mutation', input: { id: unknownId, status: 'DONE' } },
      graphql: {
        query: 'mutation ($id: ID!) { updateActionStatus(id: $id, status: DONE) { id } }',
        variables: { id: unknownId },
      },
    },
    {
      name: 'actions.updateStatus with the legacy status COMPLETED',
      code: 'validation_failed',
      rest: { method: 'PATCH', path: `/api/actions/${unknownId}`, body: { status: 'COMPLETED' } },
      trpc: { path: 'actions.updateStatus', type: 'mutation', input: { id: unknownId, status: 'COMPLETED' } },
    },
    {
      name: 'actions.create with a dueDate in year 0000',
      code: 'validation_failed',
      rest: {
        method: 'POST',
        path: `/api/calls/${unknownId}/action-items`,
        body: { title: 'x', dueDate: '0000-01-01' },
      },
      trpc: {
        path: 'actions.create',
        type: 'mutation',
        input: { callId: unknownId, title: 'x', dueDate: '0000-01-01' },
      },
    },
  ];
}

describe('the same bad input gets the same error code on REST, tRPC and GraphQL', () => {
  let scryon: TestApp;
  let alice: EmulatorUser;
  let cases: BadInput[];

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false }, captureLogs: true });
    const bob = await signUpUser();
    alice = await signUpUser();
    const { callId } = await json(await uploadCall(scryon, bob.idToken, { file: { bytes: wavBytes(1) } }));
    cases = badInputs(callId);
  });
  afterAll(() => scryon.close());

  async function restCode(
    token: string | undefined,
    rest: BadInput['rest'],
  ): Promise<{ status: number; code: string }> {
    const response = await scryon.fetch(rest.path, {
      method: rest.method,
      token,
      ...(rest.body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(rest.body) }),
    });
    return { status: response.status, code: (await json(response)).error.code };
  }

  async function trpcCode(
    token: string | undefined,
    trpc: BadInput['trpc'],
  ): Promise<{ status: number; code: string }> {
    const response =
      trpc.type === 'query'
        ? await scryon.fetch(`/trpc/${trpc.path}?input=${encodeURIComponent(JSON.stringify(trpc.input))}`, { token })
        : await scryon.fetch(`/trpc/${trpc.path}`, {
            method: 'POST',
            token,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(trpc.input),
          });
    return { status: response.status, code: (await json(response)).error.data.appError.code };
  }

  async function graphqlCode(
    token: string | undefined,
    query: NonNullable<BadInput['graphql']>,
  ): Promise<string | undefined> {
    const answer = await graphql(scryon, token as string, query.query, query.variables);
    return answer.errors?.[0]?.extensions?.code;
  }

  it('for every operation in the table', async () => {
    for (const bad of cases) {
      const rest = await restCode(alice.idToken, bad.rest);
      expect({ case: bad.name, surface: 'rest', code: rest.code }).toEqual({
        case: bad.name,
        surface: 'rest',
        code: bad.code,
      });
      const trpc = await trpcCode(alice.idToken, bad.trpc);
      expect({ case: bad.name, surface: 'trpc', code: trpc.code, status: trpc.status }).toEqual({
        case: bad.name,
        surface: 'trpc',
        code: bad.code,
        status: rest.status,
      });
      if (bad.graphql)
        expect({ case: bad.name, surface: 'graphql', code: await graphqlCode(alice.idToken, bad.graphql) }).toEqual({
          case: bad.name,
          surface: 'graphql',
          code: bad.code,
        });
    }
    expect((await scryon.fetch('/api/health')).status).toBe(200);
    expect(scryon.logLines.filter((line) => /"level":"(error|fatal)"/.test(line))).toEqual([]);
  });

  it('and without a token every operation is auth_missing on every surface', async () => {
    for (const bad of cases) {
      expect({ case: bad.name, ...(await restCode(undefined, bad.rest)) }).toEqual({
        case: bad.name,
        status: 401,
        code: 'auth_missing',
      });
      expect({ case: bad.name, ...(await trpcCode(undefined, bad.trpc)) }).toEqual({
        case: bad.name,
        status: 401,
        code: 'auth_missing',
      });
      if (bad.graphql)
        expect({ case: bad.name, code: await graphqlCode(undefined, bad.graphql) }).toEqual({
          case: bad.name,
          code: 'auth_missing',
        });
    }
  });
});
