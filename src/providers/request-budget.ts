import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ProviderName } from './provider-meter.ts';

/**
 * How many requests a provider accepts per window from one API key. `undefined`: no local cap (OpenAI's
 * own headers then say when to slow down), only pauses after a 429 or a spent budget.
 */
export interface ProviderLimit {
  requestsPerWindow: number | undefined;
  /** Hashed into the shared key, so two teams' keys never share a budget and no key is stored. */
  apiKey: string;
}

export interface RequestBudgetSettings {
  limits: Partial<Record<ProviderName, ProviderLimit>>;
  /** Shared by every worker process when set; absent: this process counts alone. */
  redisUrl?: string | undefined;
  /** The providers document per-minute limits; tests shorten it. */
  windowMs?: number;
}

/**
 * The one gate every provider request passes: a sliding window per provider and API key, shared through
 * Redis by all workers when configured, plus a pause everyone honours once a provider says to wait.
 */
export interface RequestBudget {
  /** Waits until `cost` requests may be sent now, counting them as sent. */
  take(provider: ProviderName, cost?: number, signal?: AbortSignal): Promise<void>;
  /** Nobody sends to `provider` for `ms` (a 429's Retry-After, a spent budget). */
  pause(provider: ProviderName, ms: number): Promise<void>;
  /** Reads a response's remaining-budget headers and pauses when the budget runs low. */
  observe(provider: ProviderName, headers: Headers): Promise<void>;
  close(): Promise<void>;
}

export const UNLIMITED_BUDGET: RequestBudget = {
  take: async () => undefined,
  pause: async () => undefined,
  observe: async () => undefined,
  close: async () => undefined,
};

/** Where the windows live: 0 when granted, else how long to wait before asking again. */
interface WindowStore {
  tryTake(key: string, limit: number, windowMs: number, cost: number): Promise<number>;
  pauseFor(key: string, ms: number): Promise<void>;
  close(): Promise<void>;
}

const MINUTE_MS = 60_000;
/**
 * We count a request when we send it, the provider when it arrives: a slot is reused this much after
 * its window turns, so a request that took longer on the way is not counted twice in one window.
 */
const ARRIVAL_SLACK_MS = 1_000;
/** A pause longer than this is a broken header, not a budget: capped, the take loop asks again. */
const MAX_PAUSE_MS = 5 * MINUTE_MS;
/** Below this share of a remaining budget, wait for its reset rather than spend the rest in a burst. */
const LOW_BUDGET_SHARE = 0.05;

export async function createRequestBudget(settings: RequestBudgetSettings): Promise<RequestBudget> {
  const windowMs = settings.windowMs ?? MINUTE_MS;
  const store = settings.redisUrl ? await redisStore(settings.redisUrl) : memoryStore();
  const keyOf = (provider: ProviderName) => {
    const hash = createHash('sha256')
      .update(settings.limits[provider]?.apiKey ?? '')
      .digest('hex')
      .slice(0, 16);
    return `scryon:provider-budget:${provider}:${hash}`;
  };
  const pause = (provider: ProviderName, ms: number) => store.pauseFor(keyOf(provider), Math.min(MAX_PAUSE_MS, ms));
  return {
    async take(provider, cost = 1, signal) {
      const limit = settings.limits[provider]?.requestsPerWindow ?? 0;
      for (;;) {
        signal?.throwIfAborted();
        const waitMs = await store.tryTake(keyOf(provider), limit, windowMs + ARRIVAL_SLACK_MS, cost);
        if (waitMs <= 0) return;
        await sleep(Math.max(5, waitMs), signal);
      }
    },
    pause,
    async observe(provider, headers) {
      const waitMs = lowBudgetWaitMs(headers);
      if (waitMs > 0) await pause(provider, waitMs);
    },
    close: () => store.close(),
  };
}

/**
 * OpenAI's `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (resets like `6m0s`, `12ms`), and the
 * generic `x-ratelimit-{limit,remaining,reset}` (reset in epoch seconds) pyannoteAI sends: how long to
 * hold back because one of them is nearly spent, or 0.
 */
export function lowBudgetWaitMs(headers: Headers, now = Date.now()): number {
  let waitMs = 0;
  for (const suffix of ['-requests', '-tokens', '']) {
    const remaining = numberHeader(headers, `x-ratelimit-remaining${suffix}`);
    const limit = numberHeader(headers, `x-ratelimit-limit${suffix}`);
    const reset = headers.get(`x-ratelimit-reset${suffix}`);
    if (remaining === undefined || reset === null) continue;
    if (remaining > Math.max(0, (limit ?? 0) * LOW_BUDGET_SHARE)) continue;
    const resetMs = suffix ? durationMs(reset) : Number(reset) * 1000 - now;
    if (resetMs !== undefined && Number.isFinite(resetMs)) waitMs = Math.max(waitMs, resetMs);
  }
  return waitMs;
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  const parsed = value === null ? Number.NaN : Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** `1h2m3.5s`, `6m0s`, `12ms`, `0.5s` → ms. */
export function durationMs(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text.trim()) return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
  return parts.reduce((total, part) => total + Number(part[1]) * unit[part[2]!]!, 0);
}

/** One process: the embedded default, and the fallback while Redis cannot be reached. */
function memoryStore(): WindowStore {
  const sent = new Map<string, number[]>();
  const pausedUntil = new Map<string, number>();
  return {
    async tryTake(key, limit, windowMs, cost) {
      const now = Date.now();
      const until = pausedUntil.get(key) ?? 0;
      if (until > now) return until - now;
      if (limit <= 0) return 0;
      const times = (sent.get(key) ?? []).filter((time) => time > now - windowMs);
      sent.set(key, times);
      if (times.length + cost <= limit) {
        for (let index = 0; index < cost; index += 1) times.push(now);
        return 0;
      }
      // The window has room for `cost` once enough of its oldest requests have aged out.
      const freeing = times[Math.min(times.length - 1, times.length + cost - limit - 1)] ?? now;
      return Math.max(1, freeing + windowMs - now);
    },
    async pauseFor(key, ms) {
      pausedUntil.set(key, Math.max(pausedUntil.get(key) ?? 0, Date.now() + ms));
    },
    close: async () => undefined,
  };
}

/**
 * The same window in a Redis sorted set (one member per request, scored by Redis's clock so workers on
 * other machines agree), checked and counted in one script so two workers never both take the last slot.
 */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, windowMs, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local pausedUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
if pausedUntil > now then return pausedUntil - now end
if limit <= 0 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
local count = redis.call('ZCARD', KEYS[1])
if count + cost <= limit then
  for i = 1, cost do redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. i) end
  redis.call('PEXPIRE', KEYS[1], windowMs)
  return 0
end
local index = math.min(count - 1, count + cost - limit - 1)
local freeing = tonumber(redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')[2])
return math.max(1, freeing + windowMs - now)
`;

const PAUSE_SCRIPT = `
local t = redis.call('TIME')
local untilMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], untilMs, 'PX', math.max(1, tonumber(ARGV[1])))
end
return 0
`;

const REDIS_CONNECT_TIMEOUT_MS = 2_000;

/** Should Redis be unreachable, this process counts alone rather than stopping every provider request. */
async function redisStore(url: string): Promise<WindowStore> {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  const connected = redis.connect().catch(() => undefined);
  await Promise.race([connected, new Promise((resolve) => setTimeout(resolve, REDIS_CONNECT_TIMEOUT_MS))]);
  const fallback = memoryStore();
  return {
    async tryTake(key, limit, windowMs, cost) {
      const member = `${process.pid}:${Date.now()}:${Math.random().toString(36).slice(2)}`;
      try {
        return Number(await redis.eval(TAKE_SCRIPT, 2, `${key}:sent`, `${key}:paused`, limit, windowMs, cost, member));
      } catch {
        return fallback.tryTake(key, limit, windowMs, cost);
      }
    },
    async pauseFor(key, ms) {
      await fallback.pauseFor(key, ms);
      await redis.eval(PAUSE_SCRIPT, 1, `${key}:paused`, Math.ceil(ms)).catch(() => undefined);
    },
    async close() {
      redis.disconnect();
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
