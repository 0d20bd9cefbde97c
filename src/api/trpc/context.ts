import type { Services } from '../../app/services.ts';
import type { CurrentUser } from '../../users/identity.ts';
import type { PendingUpload } from '../graphql/graphql-upload.ts';

/**
 * The inner context every surface builds: no req/res, so REST, tRPC, GraphQL
 * and in-process callers (tests, createCaller) share it.
 */
export interface RequestContext {
  services: Services;
  requestId: string;
  /** Resolves the caller, throwing the documented 401/403; memoised per request. */
  authenticate(): Promise<CurrentUser>;
  /** `Idempotency-Key` of a mutating request, when the client sent one. */
  idempotencyKey?: string | undefined;
  /** The file of a GraphQL multipart request, while its operation runs (only `submitCall` takes it). */
  pendingUpload?: PendingUpload | undefined;
  /** Whether this is the prod profile (some routes do not exist there). */
  profile: 'dev' | 'staging' | 'prod';
}

export function memoizeAuthentication(authenticate: () => Promise<CurrentUser>): () => Promise<CurrentUser> {
  let pending: Promise<CurrentUser> | undefined;
  return () => (pending ??= authenticate());
}
