import { describe, expect, it } from 'vitest';
import { retryAfterMs, retryDelayMs, verdictOf } from '../../../src/webhooks/retry-policy.ts';

describe('what an answer means for a delivery', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [undefined, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [410, 'gone'],
    [400, 'refused'],
    [401, 'refused'],
    [404, 'refused'],
    [301, 'refused'],
    [302, 'refused'],
  ] as const)('%s → %s', (statusCode, verdict) => {
    expect(verdictOf({ statusCode })).toBe(verdict);
  });

  it('doubles from the base, capped at an hour, with half of each delay random', () => {
    const schedule = { baseMs: 5_000, windowMs: 86_400_000 };
    expect([1, 2, 3].map((retry) => retryDelayMs(retry, schedule, undefined, () => 0))).toEqual([2_500, 5_000, 10_000]);
    expect([1, 2, 3].map((retry) => retryDelayMs(retry, schedule, undefined, () => 1))).toEqual([
      5_000, 10_000, 20_000,
    ]);
    expect(retryDelayMs(30, schedule, undefined, () => 1)).toBe(3_600_000);
  });

  it("honours a receiver's Retry-After when it asks for longer, in seconds or as a date", () => {
    const schedule = { baseMs: 100, windowMs: 86_400_000 };
    expect(retryDelayMs(1, schedule, '7', () => 0)).toBe(7_000);
    expect(retryAfterMs(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(58_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryDelayMs(1, schedule, 'soon', () => 1)).toBe(100);
  });
});
