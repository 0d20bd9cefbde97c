import type { SendResult } from './webhook-sender.ts';

/**
 * What an attempt's answer means for the delivery: a 2xx is delivered; a
 * network error, 408, 429 or 5xx may pass if tried again; 410 means the
 * endpoint is gone; any other answer (another 4xx, a redirect) will not
 * change by retrying.
 */
export type AttemptVerdict = 'delivered' | 'retry' | 'gone' | 'refused';

export function verdictOf(result: Pick<SendResult, 'statusCode'>): AttemptVerdict {
  const status = result.statusCode;
  if (status === undefined) return 'retry';
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'refused';
}

export interface RetrySchedule {
  baseMs: number;
  /** No retry is scheduled later than this after the delivery was created. */
  windowMs: number;
}

const MAX_DELAY_MS = 3_600_000;

/**
 * The delay before retry number `retry` (1 for the first): exponential,
 * capped at an hour, with "equal jitter" (half fixed, half random) so
 * receivers that failed together are not retried together. A receiver's
 * Retry-After is honoured when it asks for longer.
 */
export function retryDelayMs(
  retry: number,
  schedule: RetrySchedule,
  retryAfter: string | undefined,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(MAX_DELAY_MS, schedule.baseMs * 2 ** (retry - 1));
  const jittered = Math.round(exponential / 2 + (random() * exponential) / 2);
  return Math.max(jittered, retryAfterMs(retryAfter) ?? 0);
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
