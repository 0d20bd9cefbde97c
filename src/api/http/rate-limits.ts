import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../errors/app-error.ts';
import { clientAddressKey } from './client-address.ts';

export interface RateLimitSettings {
  /** Requests (and subscriptions) per minute from one client address. */
  perIpPerMinute: number;
  /** Requests (and subscriptions) per minute of one authenticated user, on every surface together. */
  perUserPerMinute: number;
  /** Webhook test events and replays per minute of one user: each makes the server send a request on their behalf. */
  webhookSendsPerMinute?: number;
  /** Shared counters for several API instances; absent means each instance counts in memory. */
  redisUrl: string | undefined;
}

export interface RateLimits {
  /**
   * Counts one request from `ip` (by its canonical form, IPv6 by its /64); throws 429 `rate_limited` with
   * `details.retryAfterSeconds` past the limit.
   */
  byIp(ip: string): Promise<void>;
  byUser(userId: string): Promise<void>;
  /** Counts one webhook test event or replay of the user, with the same 429 past its own budget. */
  webhookSends(userId: string): Promise<void>;
  close(): Promise<void>;
}

const WINDOW_SECONDS = 60;
const DEFAULT_WEBHOOK_SENDS_PER_MINUTE = 30;
const REDIS_CONNECT_TIMEOUT_MS = 2_000;

/**
 * The one rate-limit guard of every surface (rate-limiter-flexible). With
 * Redis the counters are shared by all API instances; should Redis be
 * unreachable, each instance falls back to counting in memory rather than
 * refusing or waving through every request.
 */
export async function createRateLimits(settings: RateLimitSettings): Promise<RateLimits> {
  const redis = settings.redisUrl ? await connectRedis(settings.redisUrl) : undefined;
  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS });
    return redis
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `scryon:${keyPrefix}`,
          points,
          duration: WINDOW_SECONDS,
          insuranceLimiter: memory,
        })
      : memory;
  };
  const perIp = limiter('ip', settings.perIpPerMinute);
  const perUser = limiter('user', settings.perUserPerMinute);
  const webhookSends = limiter('webhook-sends', settings.webhookSendsPerMinute ?? DEFAULT_WEBHOOK_SENDS_PER_MINUTE);
  return {
    byIp: (ip) => consume(perIp, clientAddressKey(ip)),
    byUser: (userId) => consume(perUser, userId),
    webhookSends: (userId) => consume(webhookSends, userId),
    async close() {
      redis?.disconnect();
    },
  };
}

/** Connected before the first request, so no count goes to the in-memory fallback while it connects. */
async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  await Promise.race([
    redis.connect().catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, REDIS_CONNECT_TIMEOUT_MS)),
  ]);
  return redis;
}

async function consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    throw new AppError('rate_limited', undefined, {
      retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
    });
  }
}

/** The `Retry-After` value of a rate-limit refusal, for the surfaces that set headers. */
export function retryAfterOf(error: unknown): string | undefined {
  if (!(error instanceof AppError) || error.code !== 'rate_limited') return undefined;
  return String(error.details?.retryAfterSeconds ?? WINDOW_SECONDS);
}
