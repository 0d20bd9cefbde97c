import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createRateLimits, retryAfterOf, type RateLimits } from '../../../src/api/http/rate-limits.ts';
import { AppError } from '../../../src/errors/app-error.ts';

/** The machine's Redis (it runs before every session and CI), for the shared-counter case. */
const REDIS_URL = 'redis://127.0.0.1:6379';

describe('rate limits', () => {
  const opened: RateLimits[] = [];
  const open = async (perUserPerMinute: number, redisUrl?: string) => {
    const limits = await createRateLimits({ perIpPerMinute: 2, perUserPerMinute, redisUrl });
    opened.push(limits);
    return limits;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((limits) => limits.close()));
  });

  it('refuses the request past the limit with 429 rate_limited and a Retry-After within the window', async () => {
    const limits = await open(3);
    const user = randomUUID();
    for (let i = 0; i < 3; i += 1) await limits.byUser(user);
    const refusal = await limits.byUser(user).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('rate_limited');
    expect((refusal as AppError).status).toBe(429);
    expect(Number(retryAfterOf(refusal))).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfterOf(refusal))).toBeLessThanOrEqual(60);
    await expect(limits.byUser(randomUUID())).resolves.toBeUndefined();
  });

  it('counts per address apart from per user', async () => {
    const limits = await open(100);
    await limits.byIp('203.0.113.7');
    await limits.byIp('203.0.113.7');
    await expect(limits.byIp('203.0.113.7')).rejects.toMatchObject({ code: 'rate_limited' });
    await expect(limits.byIp('203.0.113.8')).resolves.toBeUndefined();
  });

  it('shares its counters between instances through Redis', async () => {
    const [first, second] = [await open(2, REDIS_URL), await open(2, REDIS_URL)];
    const user = randomUUID();
    await first.byUser(user);
    await second.byUser(user);
    await expect(first.byUser(user)).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('keeps counting in memory when Redis cannot be reached', async () => {
    const limits = await open(1, 'redis://127.0.0.1:1');
    const user = randomUUID();
    await limits.byUser(user);
    await expect(limits.byUser(user)).rejects.toMatchObject({ code: 'rate_limited' });
  });
});
