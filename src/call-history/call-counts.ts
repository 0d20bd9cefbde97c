import { OUTCOMES, SENTIMENTS, type Outcome, type Sentiment } from '../analysis/analysis-schema.ts';
import { CALL_DIRECTIONS, CALL_STATUSES, type CallDirection, type CallStatus } from '../calls/call-record.entity.ts';

/**
 * How many calls share one status, direction, sentiment and outcome: what the
 * list's facets and the period summary count from.
 */
export interface CallCountRow {
  status: CallStatus;
  direction: CallDirection;
  sentiment: Sentiment | null;
  outcome: Outcome | null;
  calls: number;
}

/**
 * Calls by status, direction, sentiment and outcome. Every value appears,
 * zero included, so a client never tests for a missing key; a call not yet
 * analysed counts under no sentiment or outcome.
 */
export function callCountsOf(rows: readonly CallCountRow[]) {
  const zeros = <Key extends string>(keys: readonly Key[]) =>
    Object.fromEntries(keys.map((key) => [key, 0])) as Record<Key, number>;
  const counts = {
    byStatus: zeros(CALL_STATUSES),
    byDirection: zeros(CALL_DIRECTIONS),
    bySentiment: zeros(SENTIMENTS),
    byOutcome: zeros(OUTCOMES),
  };
  for (const row of rows) {
    const calls = Number(row.calls);
    counts.byStatus[row.status] += calls;
    counts.byDirection[row.direction] += calls;
    if (row.sentiment) counts.bySentiment[row.sentiment] += calls;
    if (row.outcome) counts.byOutcome[row.outcome] += calls;
  }
  return counts;
}

/** Seconds as minutes to the hundredth, as every total shows them. */
export function minutesOf(seconds: number): number {
  return Math.round((seconds / 60) * 100) / 100;
}
