import type { RateLimits } from '../http/rate-limits.ts';
import type { CallUploadDeps } from '../uploads/call-upload.ts';
import { createSubscriptionSlots, type SubscriptionSlots } from './subscription-slots.ts';

/** Open status subscriptions of one user on one instance, over SSE and WebSocket together. */
export const MAX_SUBSCRIPTIONS_PER_USER = 100;

/**
 * What every surface needs beside the domain services, and only the edge:
 * its rate limits, the subscription slots it holds, and what the recording
 * upload takes.
 */
export interface EdgeKit {
  rateLimits: RateLimits;
  subscriptions: SubscriptionSlots;
  uploads: CallUploadDeps;
}

export function createEdgeKit(deps: { rateLimits: RateLimits; uploads: CallUploadDeps }): EdgeKit {
  return { ...deps, subscriptions: createSubscriptionSlots(MAX_SUBSCRIPTIONS_PER_USER) };
}
