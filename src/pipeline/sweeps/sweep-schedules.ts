import { ScheduleAlreadyRunning, type Client, type ScheduleDescription } from '@temporalio/client';
import type { Logger } from '../../observability/logger.ts';
import { WORKFLOW_KIND } from '../../../workflows/search-attributes.ts';
import type { WorkflowSearchAttributes } from '../runtime/search-attributes.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** What a sweep clears: one schedule each, and one branch of the `sweep` activity. */
export type SweepKind =
  | 'expired_audio'
  | 'orphaned_objects'
  | 'stalled_calls'
  | 'expired_idempotency_keys'
  | 'expired_changes'
  | 'expired_webhook_deliveries'
  | 'unstarted_calls'
  | 'pending_deletions';

export interface Sweep {
  kind: SweepKind;
  /** Milliseconds between runs. */
  every: number;
  /**
   * On the embedded dev server, when it differs: a sweep every minute is most
   * of what a developer's Temporal UI lists, for guarantees that matter where
   * the API, the worker and Temporal fail apart (docs/operations.md).
   */
  devEvery?: number;
}

export const SWEEPS: readonly Sweep[] = [
  { kind: 'expired_audio', every: HOUR },
  { kind: 'orphaned_objects', every: 6 * HOUR },
  { kind: 'stalled_calls', every: 5 * MINUTE },
  { kind: 'expired_idempotency_keys', every: HOUR },
  // The change feed keeps 30 days, tombstones included.
  { kind: 'expired_changes', every: DAY },
  // The webhook delivery log keeps 30 days.
  { kind: 'expired_webhook_deliveries', every: DAY },
  // The reconciler: an upload cut off between its row and its workflow is started within about a minute.
  { kind: 'unstarted_calls', every: MINUTE, devEvery: 10 * MINUTE },
  // And the deletes': a delete cut off after its commit has its clean-up started within about a minute.
  { kind: 'pending_deletions', every: MINUTE, devEvery: 10 * MINUTE },
];

export function sweepScheduleId(taskQueue: string, kind: string): string {
  return `${taskQueue}-sweep-${kind.replace(/_/g, '-')}`;
}

/** Where the sweeps run: the embedded dev server takes each sweep's `devEvery`. */
export interface SweepSetting {
  embedded: boolean;
  searchAttributes: WorkflowSearchAttributes;
}

export function intervalOf(sweep: Sweep, embedded: boolean): number {
  return embedded ? (sweep.devEvery ?? sweep.every) : sweep.every;
}

/** What Scryon brings up to date on a schedule that already exists. */
export interface ScheduleCatchUp {
  /** Its new interval, in milliseconds. */
  every?: number;
  /** Its runs are to carry the search attributes. */
  tagRuns?: boolean;
}

/**
 * An existing schedule keeps what an operator may have tuned: its interval,
 * policies and state. Two things are Scryon's own to bring up to date: the
 * search attributes its runs start with, which no operator sets; and, on the
 * embedded dev server, an interval still at the production default that dev
 * schedules had before they were given their own (a developer who tuned one
 * chose anything but exactly that).
 */
export function scheduleCatchUp(
  existing: { intervals: readonly number[]; tagged: boolean },
  sweep: Sweep,
  embedded: boolean,
): ScheduleCatchUp {
  const catchUp: ScheduleCatchUp = {};
  const wanted = intervalOf(sweep, embedded);
  const untuned = existing.intervals.length === 1 && existing.intervals[0] === sweep.every;
  if (embedded && untuned && wanted !== sweep.every) catchUp.every = wanted;
  if (!existing.tagged) catchUp.tagRuns = true;
  return catchUp;
}

/** Creates the sweeper Schedules once; an existing one is brought up to date only as scheduleCatchUp allows. */
export async function ensureSweepSchedules(
  client: Client,
  taskQueue: string,
  setting: SweepSetting,
  logger: Logger,
): Promise<void> {
  const typedSearchAttributes = setting.searchAttributes({ kind: 'sweep' });
  for (const sweep of SWEEPS) {
    const scheduleId = sweepScheduleId(taskQueue, sweep.kind);
    try {
      await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: intervalOf(sweep, setting.embedded) }] },
        action: {
          type: 'startWorkflow',
          workflowType: 'sweepWorkflow',
          args: [sweep.kind],
          taskQueue,
          workflowId: scheduleId,
          typedSearchAttributes,
        },
        policies: { overlap: 'SKIP' },
      });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning))
        logger.warn({ err: error, scheduleId }, 'could not create sweep schedule');
      else await catchUpSchedule(client, scheduleId, sweep, setting, logger);
    }
  }
}

async function catchUpSchedule(
  client: Client,
  scheduleId: string,
  sweep: Sweep,
  setting: SweepSetting,
  logger: Logger,
): Promise<void> {
  const typedSearchAttributes = setting.searchAttributes({ kind: 'sweep' });
  const handle = client.schedule.getHandle(scheduleId);
  try {
    const catchUp = scheduleCatchUp(
      scheduleShape(await handle.describe(), typedSearchAttributes.length > 0),
      sweep,
      setting.embedded,
    );
    if (catchUp.every === undefined && !catchUp.tagRuns) return;
    await handle.update((previous) => ({
      ...previous,
      ...(catchUp.every !== undefined && { spec: { ...previous.spec, intervals: [{ every: catchUp.every }] } }),
      ...(catchUp.tagRuns &&
        previous.action.type === 'startWorkflow' && { action: { ...previous.action, typedSearchAttributes } }),
    }));
  } catch (error) {
    logger.warn({ err: error, scheduleId }, 'could not bring the sweep schedule up to date');
  }
}

/** Its intervals (one with an offset counts as tuned), and whether its runs carry the kind already or cannot. */
function scheduleShape(description: ScheduleDescription, canTag: boolean): { intervals: number[]; tagged: boolean } {
  const intervals = (description.spec.intervals ?? []).map((interval) =>
    interval.offset ? Number.NaN : interval.every,
  );
  const attributes = description.action.type === 'startWorkflow' ? description.action.typedSearchAttributes : undefined;
  const pairs = Array.isArray(attributes) ? attributes : (attributes?.getAll() ?? []);
  return { intervals, tagged: !canTag || pairs.some((pair) => pair.key.name === WORKFLOW_KIND.name) };
}
