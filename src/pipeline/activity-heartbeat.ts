import { Context } from '@temporalio/activity';

const HEARTBEAT_EVERY_MS = 2_000;
/** What each running attempt last recorded; a timer's heartbeat repeats it rather than wiping it. */
const recordedDetails = new WeakMap<Context, Record<string, unknown>>();

export function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    // Outside an activity (unit use): nothing to heartbeat.
    return undefined;
  }
}

/** The running attempt's cancellation (its call was deleted); outside an activity, one that never fires. */
export function activitySignal(): AbortSignal {
  return currentActivity()?.cancellationSignal ?? new AbortController().signal;
}

/**
 * Heartbeats for the whole of an activity, from its first moment (a download
 * or a wait for a core counts as work), on a timer, with the details this
 * attempt recorded last, else the previous attempt's: a provider job id
 * survives even a second crash before this attempt records its own.
 */
export async function heartbeatThroughout<T>(work: () => Promise<T>): Promise<T> {
  const context = currentActivity();
  if (!context) return work();
  // The first after an interval: a quick activity sends none.
  const timer = setInterval(
    () => context.heartbeat(recordedDetails.get(context) ?? context.info.heartbeatDetails),
    HEARTBEAT_EVERY_MS,
  );
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Heartbeats `details` now, and with every timer heartbeat after, so the next attempt can resume from them. */
export function recordProgress(details: Record<string, unknown>): void {
  const context = currentActivity();
  if (!context) return;
  recordedDetails.set(context, details);
  context.heartbeat(details);
}

/** What an earlier attempt of this activity recorded last. */
export function previousHeartbeat(): Record<string, unknown> | undefined {
  const details: unknown = currentActivity()?.info.heartbeatDetails;
  return details && typeof details === 'object' ? (details as Record<string, unknown>) : undefined;
}
