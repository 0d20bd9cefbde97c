import type { Client } from '@temporalio/client';

/** What the calls' Temporal histories say about the burst, beside their final status. */
export interface HistorySummary {
  /** `activity: reason` → attempts that did not complete (retried, or the last one when retries ran out). */
  troubles: Map<string, number>;
  /** Time a workflow task waited to be picked up by the worker, in ms: its event loop's backlog as Temporal sees it. */
  workflowTaskWaitMs: number[];
}

type Timestamp = { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined;
type Failure =
  | {
      message?: string | null;
      applicationFailureInfo?: { type?: string | null } | null;
      timeoutFailureInfo?: { timeoutType?: number | string | null } | null;
    }
  | null
  | undefined;

const TIMEOUT_TYPES: Record<string, string> = {
  '1': 'start-to-close timeout',
  '2': 'schedule-to-start timeout',
  '3': 'schedule-to-close timeout',
  '4': 'heartbeat timeout',
};

function toMs(ts: Timestamp): number {
  return Number(ts?.seconds?.toString() ?? 0) * 1000 + (ts?.nanos ?? 0) / 1e6;
}

function reasonOf(failure: Failure): string {
  const timeout = failure?.timeoutFailureInfo?.timeoutType;
  if (timeout !== undefined && timeout !== null) return TIMEOUT_TYPES[String(timeout)] ?? `timeout ${timeout}`;
  return failure?.applicationFailureInfo?.type ?? failure?.message ?? 'unknown failure';
}

export async function summarizeHistories(client: Client, callIds: string[]): Promise<HistorySummary> {
  const troubles = new Map<string, number>();
  const workflowTaskWaitMs: number[] = [];
  const add = (key: string, count = 1) => troubles.set(key, (troubles.get(key) ?? 0) + count);
  for (const callId of callIds) {
    const history = await client.workflow.getHandle(`call-${callId}`).fetchHistory();
    const activityNames = new Map<string, string>();
    const scheduledAt = new Map<string, number>();
    for (const event of history.events ?? []) {
      const id = String(event.eventId);
      if (event.activityTaskScheduledEventAttributes)
        activityNames.set(id, event.activityTaskScheduledEventAttributes.activityType?.name ?? 'activity');
      if (event.workflowTaskScheduledEventAttributes) scheduledAt.set(id, toMs(event.eventTime));
      const wfStarted = event.workflowTaskStartedEventAttributes;
      if (wfStarted)
        workflowTaskWaitMs.push(
          toMs(event.eventTime) - (scheduledAt.get(String(wfStarted.scheduledEventId)) ?? toMs(event.eventTime)),
        );
      const started = event.activityTaskStartedEventAttributes;
      // Retries are not events of their own: the attempt that ran last carries the count and the previous failure.
      if (started && (started.attempt ?? 1) > 1)
        add(
          `${activityNames.get(String(started.scheduledEventId))}: ${reasonOf(started.lastFailure)} (retried)`,
          (started.attempt ?? 1) - 1,
        );
      const timedOut = event.activityTaskTimedOutEventAttributes;
      if (timedOut)
        add(`${activityNames.get(String(timedOut.scheduledEventId))}: ${reasonOf(timedOut.failure)} (gave up)`);
      const failed = event.activityTaskFailedEventAttributes;
      if (failed) add(`${activityNames.get(String(failed.scheduledEventId))}: ${reasonOf(failed.failure)} (gave up)`);
    }
  }
  return { troubles, workflowTaskWaitMs };
}
