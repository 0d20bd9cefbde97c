import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRequestBudget,
  durationMs,
  lowBudgetWaitMs,
  type RequestBudget,
} from '../../../src/providers/request-budget.ts';

const REDIS_URL = process.env.SCRYON_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A short window, so a test sees it turn; the limiter adds its arrival slack on top. */
const WINDOW_MS = 400;
const SLACK_MS = 1_000;

describe('the provider request budget', () => {
  const budgets: RequestBudget[] = [];
  afterEach(async () => {
    await Promise.all(budgets.splice(0).map((budget) => budget.close()));
  });

  async function budget(options: {
    limit: number;
    apiKey: string;
    redis?: boolean;
    windowMs?: number;
  }): Promise<RequestBudget> {
    const created = await createRequestBudget({
      limits: { pyannote: { requestsPerWindow: options.limit, apiKey: options.apiKey } },
      redisUrl: options.redis ? REDIS_URL : undefined,
      windowMs: options.windowMs ?? WINDOW_MS,
    });
    budgets.push(created);
    return created;
  }

  /** Takes `count` slots from the budgets in turn, all at once, and answers when each was granted. */
  async function grantTimes(from: RequestBudget[], count: number): Promise<number[]> {
    const started = Date.now();
    const takes = Array.from({ length: count }, (_, index) =>
      from[index % from.length]!.take('pyannote').then(() => Date.now() - started),
    );
    return (await Promise.all(takes)).sort((a, b) => a - b);
  }

  /**
   * The most grants any window of the budget's length saw, as the test observed
   * them. The limiter spaces grants past the limit by the window and its slack,
   * so the slack is the margin a busy machine may take from the observed times.
   */
  function busiestWindow(times: number[]): number {
    return Math.max(...times.map((start) => times.filter((time) => time >= start && time < start + WINDOW_MS).length));
  }

  it('in one process: sends up to the limit at once, then one more as each slot ages out', async () => {
    const times = await grantTimes([await budget({ limit: 3, apiKey: randomUUID() })], 5);
    expect(times[3]).toBeGreaterThanOrEqual(WINDOW_MS + SLACK_MS - 20);
    expect(busiestWindow(times)).toBe(3);
  });

  it('two limiters sharing Redis never exceed the budget together', async () => {
    const apiKey = randomUUID();
    const shared = [await budget({ limit: 4, apiKey, redis: true }), await budget({ limit: 4, apiKey, redis: true })];
    const times = await grantTimes(shared, 10);
    expect(busiestWindow(times)).toBe(4);
    expect(times[4]).toBeGreaterThanOrEqual(WINDOW_MS + SLACK_MS - 20);
  });

  it('keys the window by API key: another key has its own budget', async () => {
    // A window of an hour: had the keys shared one budget, the last two takes would wait it out and time the test out.
    const hour = 3_600_000;
    const first = await budget({ limit: 2, apiKey: randomUUID(), redis: true, windowMs: hour });
    const second = await budget({ limit: 2, apiKey: randomUUID(), redis: true, windowMs: hour });
    expect(await grantTimes([first, first, second, second], 4)).toHaveLength(4);
  });

  it('a 429 with Retry-After pauses every limiter sharing the key, not just the caller', async () => {
    const apiKey = randomUUID();
    const [caller, other] = [
      await budget({ limit: 100, apiKey, redis: true }),
      await budget({ limit: 100, apiKey, redis: true }),
    ];
    await caller.pause('pyannote', 600);
    const times = await grantTimes([other], 1);
    expect(times[0]).toBeGreaterThanOrEqual(550);
  });

  it('a pause in one process holds that process back too', async () => {
    const alone = await budget({ limit: 100, apiKey: randomUUID() });
    await alone.pause('pyannote', 300);
    expect((await grantTimes([alone], 1))[0]).toBeGreaterThanOrEqual(250);
  });

  it('a take waiting for a slot gives up when its caller cancels', async () => {
    const alone = await budget({ limit: 1, apiKey: randomUUID() });
    await alone.take('pyannote');
    const controller = new AbortController();
    const waiting = alone.take('pyannote', 1, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });

  it("reads OpenAI's remaining-budget headers: waits for the reset when one is nearly spent", () => {
    const plenty = new Headers({
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '400',
      'x-ratelimit-reset-requests': '2s',
    });
    expect(lowBudgetWaitMs(plenty)).toBe(0);
    const low = new Headers({
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '400',
      'x-ratelimit-reset-requests': '2s',
      'x-ratelimit-limit-tokens': '200000',
      'x-ratelimit-remaining-tokens': '900',
      'x-ratelimit-reset-tokens': '6m0s',
    });
    expect(lowBudgetWaitMs(low)).toBe(360_000);
    expect(lowBudgetWaitMs(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1010' }), 1_000_000)).toBe(
      10_000,
    );
  });

  it('parses the reset durations OpenAI writes', () => {
    expect([
      durationMs('12ms'),
      durationMs('1s'),
      durationMs('6m0s'),
      durationMs('1m30.5s'),
      durationMs('soon'),
    ]).toEqual([12, 1000, 360_000, 90_500, undefined]);
  });
});
