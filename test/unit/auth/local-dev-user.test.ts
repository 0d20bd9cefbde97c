import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../src/auth/authenticator.ts';
import type { CurrentUser, VerifiedIdentity } from '../../../src/users/identity.ts';

const provision = async (identity: VerifiedIdentity) =>
  ({ id: `row-${identity.externalUserId}`, externalUserId: identity.externalUserId }) as unknown as CurrentUser;

describe('the local-dev user', () => {
  it('is whoever X-Local-User-Id names when it is on', async () => {
    const authenticator = createAuthenticator({ verifier: undefined, localDevUser: true, provision });
    await expect(authenticator.authenticate({ localUserId: 'alice' })).resolves.toMatchObject({
      externalUserId: 'alice',
    });
    await expect(authenticator.authenticate({})).resolves.toMatchObject({ externalUserId: 'local-dev' });
  });

  it('refuses everyone when configuration says it is off, even without a verifier', async () => {
    const authenticator = createAuthenticator({ verifier: undefined, localDevUser: false, provision });
    await expect(authenticator.authenticate({ localUserId: 'alice' })).rejects.toMatchObject({ code: 'auth_missing' });
  });

  it('refuses an over-long X-Local-User-Id as a validation failure', async () => {
    const authenticator = createAuthenticator({ verifier: undefined, localDevUser: true, provision });
    await expect(authenticator.authenticate({ localUserId: 'u'.repeat(129) })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { fields: { 'X-Local-User-Id': 'must be at most 128 characters' } },
    });
  });
});
