import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userRowId } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { graphql, wsClient } from '../harness/graphql-client.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

/** An operator suspends or disables an account: its still-valid token stops working on every surface. */
describe('suspended and disabled accounts are refused everywhere', () => {
  let scryon: TestApp;

  beforeAll(async () => {
    // Re-read the account on every request, so the test needs no wait for the status to take effect.
    scryon = await startTestApp({ roles: { api: true, worker: false }, env: { SCRYON_ACCOUNT_RECHECK_SECONDS: '0' } });
  });
  afterAll(() => scryon.close());

  async function withStatus(status: 'SUSPENDED' | 'DISABLED'): Promise<EmulatorUser> {
    const user = await signUpUser();
    expect((await scryon.fetch('/api/users/me', { token: user.idToken })).status).toBe(200);
    await scryon.db!.query('update users set account_status = $1 where id = $2', [
      status,
      await userRowId(scryon, user.uid),
    ]);
    return user;
  }

  it.each([
    ['SUSPENDED', 'account_suspended'],
    ['DISABLED', 'account_disabled'],
  ] as const)('a %s account gets 403 %s on REST, tRPC, GraphQL and graphql-ws', async (status, code) => {
    const user = await withStatus(status);
    const rest = await scryon.fetch('/api/calls', { token: user.idToken });
    expect(rest.status).toBe(403);
    expect((await rest.json()).error.code).toBe(code);
    const trpc = await scryon.fetch('/trpc/users.me', { token: user.idToken });
    expect(trpc.status).toBe(403);
    expect((await trpc.json()).error.data.appError.code).toBe(code);
    expect((await graphql(scryon, user.idToken, '{ me { id } }')).errors?.[0]?.extensions?.code).toBe(code);
    const upload = await scryon.fetch('/api/calls/analyze', {
      method: 'POST',
      token: user.idToken,
      body: new FormData(),
    });
    expect(upload.status).toBe(403);

    const client = wsClient(scryon, user.idToken);
    try {
      const closed = await new Promise<unknown>((resolve) => {
        client.on('closed', resolve);
        client.subscribe(
          { query: 'subscription { myCallStatusChanged { status } }' },
          { next: () => undefined, error: resolve, complete: () => undefined },
        );
      });
      expect(closed).toBeDefined();
    } finally {
      await client.dispose();
    }
  });

  it('an account set back to ACTIVE works again', async () => {
    const user = await withStatus('SUSPENDED');
    await scryon.db!.query(`update users set account_status = 'ACTIVE' where id = $1`, [
      await userRowId(scryon, user.uid),
    ]);
    expect((await scryon.fetch('/api/calls', { token: user.idToken })).status).toBe(200);
  });
});
