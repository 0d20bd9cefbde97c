import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { AttemptInput, AttemptOutcome } from '../../src/webhooks/deliver-webhook.ts';

/** What README documents: a run takes at most this many attempts and replays before it continues as new. */
const STEPS_PER_RUN = 50;
/** Enough to need more than one run. */
const STEPS = STEPS_PER_RUN + 15;

interface Run {
  runId: string;
  attempts: number;
  continuedAs: string | undefined;
}

/**
 * A delivery's run must not grow its history without bound: a receiver that
 * keeps failing, or an owner who keeps replaying, continues the run as new
 * with its state (the attempt's number, its retry window, a pending replay).
 */
describe("a webhook delivery's workflow history stays bounded", () => {
  let client: Client;
  let connection: Connection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `webhook-history-${randomBytes(4).toString('hex')}`;
  let attempt: (input: AttemptInput) => Promise<AttemptOutcome> = async () => ({
    state: 'FAILED',
    retryInMs: null,
    windowStartMs: 0,
  });

  beforeAll(async () => {
    const address = inject('temporalAddress');
    const workflowBundle = JSON.parse(
      readFileSync(inject('workflowBundlePath'), 'utf8'),
    ) as WorkflowBundleWithSourceMap;
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address }),
      taskQueue,
      workflowBundle,
      activities: { attemptWebhookDelivery: (input: AttemptInput) => attempt(input) },
    });
    running = worker.run();
    connection = await Connection.connect({ address });
    client = new Client({ connection });
  });
  afterAll(async () => {
    worker.shutdown();
    await running;
    await connection.close();
  });

  /** Every run of the workflow, first to latest, with the attempts each scheduled. */
  async function runsOf(workflowId: string, firstRunId: string): Promise<Run[]> {
    const runs: Run[] = [];
    for (let runId: string | undefined = firstRunId; runId; runId = runs.at(-1)!.continuedAs) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      const events = history.events ?? [];
      const attempts = events.filter((event) => event.activityTaskScheduledEventAttributes).length;
      const continuedAs = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      runs.push({ runId, attempts, continuedAs });
    }
    return runs;
  }

  it('a receiver that keeps asking for a retry: runs continue as new, keeping attempt numbers and window', async () => {
    const seen: AttemptInput[] = [];
    attempt = async (input) => {
      seen.push(input);
      const windowStartMs = input.windowStartMs ?? 1_000;
      return seen.length < STEPS
        ? { state: 'PENDING', retryInMs: 1, windowStartMs }
        : { state: 'SUCCEEDED', retryInMs: null, windowStartMs };
    };
    const workflowId = `webhook-retried-${randomBytes(4).toString('hex')}`;
    const handle = await client.workflow.start('webhookDeliveryWorkflow', {
      workflowId,
      taskQueue,
      args: [{ deliveryId: workflowId }],
    });
    expect(await handle.result()).toBe('SUCCEEDED');

    expect(seen.map((input) => input.attempt)).toEqual(Array.from({ length: STEPS }, (_, index) => index + 1));
    expect(new Set(seen.slice(1).map((input) => input.windowStartMs))).toEqual(new Set([1_000]));
    const runs = await runsOf(workflowId, handle.firstExecutionRunId);
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.filter((run) => run.attempts > STEPS_PER_RUN)).toEqual([]);
    expect(runs.reduce((total, run) => total + run.attempts, 0)).toBe(STEPS);
  });

  it('replays of a waiting run: each attempts at once with a fresh window, across runs', async () => {
    const seen: AttemptInput[] = [];
    let attempted: () => void = () => undefined;
    attempt = async (input) => {
      seen.push(input);
      attempted();
      // A long wait: only a replay makes the next attempt.
      return { state: 'PENDING', retryInMs: 3_600_000, windowStartMs: input.windowStartMs ?? 1_000 };
    };
    const nextAttempt = () => new Promise<void>((resolve) => (attempted = resolve));
    const workflowId = `webhook-replayed-${randomBytes(4).toString('hex')}`;
    let first = nextAttempt();
    const handle = await client.workflow.start('webhookDeliveryWorkflow', {
      workflowId,
      taskQueue,
      args: [{ deliveryId: workflowId }],
    });
    await first;
    for (let replay = 1; replay < STEPS; replay += 1) {
      first = nextAttempt();
      await client.workflow.getHandle(workflowId).signal('replay');
      await first;
    }
    try {
      expect(seen).toHaveLength(STEPS);
      expect(seen.slice(1).every((input) => input.attempt === 1 && input.windowStartMs === null)).toBe(true);
      const runs = await runsOf(workflowId, handle.firstExecutionRunId);
      expect(runs.length).toBeGreaterThan(1);
      expect(runs.filter((run) => run.attempts > STEPS_PER_RUN)).toEqual([]);
      expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    } finally {
      await client.workflow.getHandle(workflowId).terminate('test over');
    }
  });
});
