import type { App } from 'firebase-admin/app';
import { AppError } from '../errors/app-error.ts';
import type { IdentityAdmin, VerifiedIdentity } from '../users/identity.ts';
import { storableText } from '../validation/storable-text.ts';

/** An identity with what the token itself says about its lifetime. */
export interface VerifiedToken extends VerifiedIdentity {
  expiresAtMs: number;
  /** When the user signed in (`auth_time`), the instant a revocation is compared with. */
  authTimeSeconds: number;
}

/** The port every authentication path goes through; firebase-admin stays behind it. */
export interface TokenVerifier {
  verify(idToken: string): Promise<VerifiedToken>;
  close(): Promise<void>;
}

export interface FirebaseOptions {
  projectId: string;
  emulatorHost?: string | undefined;
  clientEmail?: string | undefined;
  privateKey?: string | undefined;
}

let appCounter = 0;

/** firebase-admin is loaded only when Firebase is configured (the embedded default never loads it). */
export async function createFirebaseVerifier(options: FirebaseOptions): Promise<TokenVerifier & IdentityAdmin> {
  const [{ cert, deleteApp, initializeApp }, { getAuth }] = await Promise.all([
    import('firebase-admin/app'),
    import('firebase-admin/auth'),
  ]);
  // firebase-admin reads the emulator host from the environment when the Auth
  // instance is created; configuration owns the value, this hands it over.
  if (options.emulatorHost) process.env.FIREBASE_AUTH_EMULATOR_HOST = options.emulatorHost;
  const hasServiceAccount = Boolean(options.clientEmail && options.privateKey);
  const app: App = initializeApp(
    {
      projectId: options.projectId,
      ...(hasServiceAccount
        ? {
            credential: cert({
              projectId: options.projectId,
              clientEmail: options.clientEmail,
              privateKey: options.privateKey,
            }),
          }
        : {}),
    },
    `scryon-${++appCounter}`,
  );
  const auth = getAuth(app);
  // Revocation and disabled-user checks need Admin credentials (the emulator always runs them).
  const checkRevoked = hasServiceAccount || Boolean(options.emulatorHost);

  return {
    async verify(idToken) {
      try {
        const decoded = await auth.verifyIdToken(idToken, checkRevoked);
        return {
          externalUserId: decoded.uid,
          // Claims seed the user's row; whatever a token carries, what is stored is well-formed text.
          email: optionalText(decoded.email),
          name: optionalText(decoded.name),
          photoUrl: optionalText(decoded.picture),
          expiresAtMs: decoded.exp * 1000,
          authTimeSeconds: decoded.auth_time,
        };
      } catch (error) {
        throw toAuthError(error);
      }
    },
    async deleteUser(externalUserId) {
      try {
        await auth.deleteUser(externalUserId);
      } catch (error) {
        if ((error as { code?: unknown })?.code !== 'auth/user-not-found') throw error;
      }
    },
    async revokeSessions(externalUserId) {
      await auth.revokeRefreshTokens(externalUserId);
    },
    close: () => deleteApp(app),
  };
}

/** firebase-admin's codes for an Auth backend it could not ask: nothing is known about the token. */
const BACKEND_UNREACHABLE = new Set([
  'app/network-error',
  'app/network-timeout',
  'auth/internal-error',
  'app/internal-error',
]);

/**
 * A refused token is 401 and tells the client to sign in again; an Auth
 * backend that did not answer is 503, so a client retries instead of
 * throwing away a good session.
 */
function toAuthError(error: unknown): AppError {
  const code = (error as { code?: unknown })?.code;
  if (code === 'auth/user-disabled') return new AppError('auth_disabled');
  if (typeof code === 'string' && BACKEND_UNREACHABLE.has(code)) return new AppError('service_unavailable');
  return new AppError('auth_invalid');
}

function optionalText(claim: unknown): string | undefined {
  return typeof claim === 'string' ? storableText(claim) : undefined;
}
