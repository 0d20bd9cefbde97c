import type { DomainServices } from './domain-services.ts';
import type { EdgeKit } from './edge-kit.ts';
import type { CurrentUser } from '../../users/identity.ts';

/**
 * The inner context every surface builds: no req/res, so REST, tRPC, GraphQL
 * and in-process callers (tests, createCaller) share it.
 */
export interface RequestContext {
  services: DomainServices;
  edge: EdgeKit;
  requestId: string;
  /** Resolves the caller, throwing the documented 401/403; memoised per request. */
  authenticate(): Promise<CurrentUser>;
  /** `Idempotency-Key` of a mutating request, when the client sent one. */
  idempotencyKey?: string | undefined;
  /**
   * The key for the next mutation this request runs: the client's key for the
   * first, `<key>#2`, `<key>#3`… for the later ones of a GraphQL document or a
   * tRPC batch, so each keeps its own answer and a retry of the whole request
   * replays every one (mutations run in the request's order).
   */
  nextIdempotencyKey?: (() => string | undefined) | undefined;
  /** Whether this is the prod profile (some routes do not exist there). */
  profile: 'dev' | 'staging' | 'prod';
}

export function idempotencyKeySlots(key: string | undefined): () => string | undefined {
  let used = 0;
  return () => {
    used += 1;
    return key === undefined || used === 1 ? key : `${key}#${used}`;
  };
}

export function memoizeAuthentication(authenticate: () => Promise<CurrentUser>): () => Promise<CurrentUser> {
  let pending: Promise<CurrentUser> | undefined;
  return () => (pending ??= authenticate());
}
