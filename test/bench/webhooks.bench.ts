import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pg from 'pg';
import {
  bundleWorkflows,
  createWebhookWorker,
  TEST_WORKFLOWS_PATH,
} from '../../src/pipeline/worker/pipeline-worker.ts';
import { webhookTaskQueue } from '../../src/pipeline/webhook-delivery/delivery-runs.ts';
import { Webhook } from 'standardwebhooks';
import { sendWebhook } from '../../src/webhooks/webhook-sender.ts';
import { startWebhookReceiver, type Receipt, type WebhookReceiver } from '../harness/webhook-receiver.ts';
import { startProductionPath } from './production-path.ts';
import { startRoleProcess } from './scryon-role-process.ts';

const USERS = 100;
const ENDPOINTS_PER_USER = 10;
const ENDPOINTS = USERS * ENDPOINTS_PER_USER;
/** What one worker runs at once (SCRYON_WEBHOOK_CONCURRENCY's default): the baseline sends as many in parallel. */
const CONCURRENCY = 100;

/**
 * 1,000 webhook endpoints (100 users with 10 each) receive one event each:
 * one statement moves every user's call to TRANSCRIBING, the log's fan-out queues
 * a delivery per endpoint, the worker process (its own process, PostgreSQL,
 * a Temporal server by address) dispatches a workflow per delivery and
 * signs and sends it to a loopback receiver that verifies every signature.
 * Measured: deliveries per second and p50/p99 from the status change's commit
 * to the receiver. Baselines, in the same run: the same 1,000 signed POSTs
 * sent straight from this process, CONCURRENCY at once, no queue or workflow
 * (what durability costs); and 1,000 bare one-activity Temporal runs (what
 * the Temporal server here allows at all).
 * The profile is `dev` only because loopback receivers are private targets,
 * which no other profile may reach.
 */
export async function benchWebhooks(): Promise<{ throughputRatio: number }> {
  const production = await startProductionPath({
    SCRYON_PROFILE: 'dev',
    SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    SCRYON_WEBHOOK_MAX_ENDPOINTS_PER_USER: String(ENDPOINTS_PER_USER),
  });
  const receiver = await startWebhookReceiver();
  const workDir = mkdtempSync(path.join(tmpdir(), 'scryon-bench-webhooks-'));
  const worker = await startRoleProcess('worker', production.env, workDir);
  const db = new pg.Client({ connectionString: production.env.DATABASE_URL });
  await db.connect();
  try {
    const calls = await seed(db, receiver, USERS + 1);
    // Warm-up: the first user's event, so the worker's code paths and the receiver are hot.
    await moveToTranscribing(db, calls.slice(0, 1));
    await receiver.received(ENDPOINTS_PER_USER, 120_000);
    receiver.receipts.length = 0;

    const changedAt = await moveToTranscribing(db, calls.slice(1));
    const receipts = await receiver.received(ENDPOINTS, 600_000);
    const scryon = summarize(receipts, changedAt);
    if (receipts.some((receipt) => !receipt.verified)) throw new Error('a delivery failed signature verification');
    if (new Set(receipts.map((receipt) => receipt.webhookId)).size !== ENDPOINTS)
      throw new Error('a delivery arrived twice');

    console.log(
      `webhooks: where a delivery's time goes (median of ${SAMPLED} workflows, ms after the ` +
        `commit): ${await timeline(production.env, receipts, changedAt)}`,
    );
    receiver.receipts.length = 0;
    const baseline = await sendDirectly(receiver);
    const temporal = await bareTemporalRuns(production.env);
    console.log(
      `webhooks: the Temporal server alone on this machine: ${ENDPOINTS} one-activity workflows (echo), the same ` +
        `worker settings, ${temporal.perSecond.toFixed(0)} runs/s, p99 ${temporal.p99Ms.toFixed(0)} ms`,
    );
    const throughputRatio = scryon.perSecond / baseline.perSecond;
    console.log(
      `webhooks (production path, worker process): ${ENDPOINTS} endpoints, one event each — ` +
        `Scryon ${scryon.perSecond.toFixed(0)} deliveries/s, ` +
        `p50 ${scryon.p50Ms.toFixed(0)} ms, p99 ${scryon.p99Ms.toFixed(0)} ms from the status change to the ` +
        `receiver; ` +
        `direct signed POSTs (${CONCURRENCY} at once) ${baseline.perSecond.toFixed(0)}/s, ` +
        `p99 ${baseline.p99Ms.toFixed(0)} ms; ` +
        `throughput ratio ${throughputRatio.toFixed(2)}, p99 ratio ${(scryon.p99Ms / baseline.p99Ms).toFixed(1)}; ` +
        `against bare Temporal runs: throughput ratio ${(scryon.perSecond / temporal.perSecond).toFixed(2)}, p99 ` +
        `ratio ${(scryon.p99Ms / temporal.p99Ms).toFixed(2)}`,
    );
    return { throughputRatio };
  } finally {
    await db.end();
    await worker.stop();
    await receiver.close();
    await production.stop();
  }
}

/** Users with one QUEUED call each and ENDPOINTS_PER_USER endpoints on `call.status_changed`; returns the calls. */
async function seed(db: pg.Client, receiver: WebhookReceiver, users: number): Promise<string[]> {
  const calls: string[] = [];
  for (let user = 0; user < users; user += 1) {
    const userId = randomUUID();
    const callId = randomUUID();
    await db.query(`insert into users (id, external_user_id, created_at, updated_at) values ($1, $2, now(), now())`, [
      userId,
      `bench-${user}`,
    ]);
    await db.query(
      `insert into call_records (id, user_id, recorded_at, created_at, updated_at) values ($1, $2, now(), now(), ` +
        `now())`,
      [callId, userId],
    );
    for (let endpoint = 0; endpoint < ENDPOINTS_PER_USER; endpoint += 1) {
      const receiverPath = `/${user}/${endpoint}`;
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      receiver.secrets.set(receiverPath, secret);
      await db.query(
        `insert into webhook_endpoints (id, user_id, url, event_types, secret) values ($1, $2, $3, ` +
          `'{call.status_changed}', $4)`,
        [randomUUID(), userId, `${receiver.url}${receiverPath}`, secret],
      );
    }
    calls.push(callId);
  }
  return calls;
}

/** One statement, one commit: every call's status changes at once. Returns when it committed. */
async function moveToTranscribing(db: pg.Client, calls: string[]): Promise<number> {
  await db.query(`update call_records set status = 'TRANSCRIBING', updated_at = now() where id = any($1::uuid[])`, [
    calls,
  ]);
  return Date.now();
}

/**
 * The same number of signed deliveries, sent by a plain loop: what
 * the queue, the workflows and the log cost is the difference.
 */
async function sendDirectly(receiver: WebhookReceiver): Promise<{ perSecond: number; p99Ms: number }> {
  const targets = [...receiver.secrets.entries()].slice(0, ENDPOINTS);
  const url = new URL(receiver.url);
  const started = Date.now();
  let next = 0;
  const sendNext = async (): Promise<void> => {
    while (next < targets.length) {
      const [receiverPath, secret] = targets[next++]!;
      const id = randomUUID();
      const body = JSON.stringify({
        type: 'call.status_changed',
        timestamp: new Date().toISOString(),
        data: { callId: id, status: 'TRANSCRIBING' },
      });
      const at = new Date();
      const headers = {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(id, at, body),
      };
      await sendWebhook({ url: new URL(receiverPath, url), address: '127.0.0.1', family: 4 }, headers, body, 10_000);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sendNext));
  return summarize(await receiver.received(targets.length), started);
}

/**
 * What the Temporal server and SDK manage on this machine without any of
 * Scryon's work: ENDPOINTS runs of a one-activity workflow (the test-only
 * ping), on a worker in this process with the webhook worker's settings.
 */
async function bareTemporalRuns(env: Record<string, string>): Promise<{ perSecond: number; p99Ms: number }> {
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS! });
  const clientConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
  const taskQueue = `bench-bare-${randomBytes(4).toString('hex')}`;
  const worker = await createWebhookWorker({
    connection,
    namespace: 'default',
    taskQueue,
    activities: { echo: async (message: string) => message },
    activityInterceptors: [],
    workflowBundle: await bundleWorkflows(TEST_WORKFLOWS_PATH),
    concurrency: CONCURRENCY,
  });
  const running = worker.run();
  try {
    const client = new Client({ connection: clientConnection });
    const started = Date.now();
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: ENDPOINTS }, async (_, index) => {
        await client.workflow.execute('pingWorkflow', {
          workflowId: `${taskQueue}-${index}`,
          taskQueue: webhookTaskQueue(taskQueue),
          args: ['ping'],
        });
        done.push(Date.now() - started);
      }),
    );
    done.sort((a, b) => a - b);
    return { perSecond: ENDPOINTS / (done.at(-1)! / 1000), p99Ms: done[Math.floor(0.99 * done.length)]! };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await clientConnection.close();
  }
}

const SAMPLED = 50;

type EventTime = { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined;
const msOf = (time: EventTime) => Number(time?.seconds?.toString() ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;

/** From the sampled deliveries' Temporal histories: when each step happened, relative to the status change's commit. */
async function timeline(env: Record<string, string>, receipts: Receipt[], changedAt: number): Promise<string> {
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
  try {
    const client = new Client({ connection });
    const steps = new Map<string, number[]>();
    const add = (step: string, at: number) => steps.set(step, [...(steps.get(step) ?? []), at - changedAt]);
    for (const receipt of receipts.filter((_, index) => index % Math.ceil(receipts.length / SAMPLED) === 0)) {
      const history = await client.workflow
        .getHandle(`webhook-call.status_changed-${receipt.webhookId}`)
        .fetchHistory();
      let workflowTasks = 0;
      for (const event of history.events ?? []) {
        const at = msOf(event.eventTime as EventTime);
        if (event.workflowExecutionStartedEventAttributes) add('started', at);
        if (event.workflowTaskStartedEventAttributes && workflowTasks++ === 0) add('first workflow task', at);
        if (event.activityTaskScheduledEventAttributes) add('attempt scheduled', at);
        if (event.activityTaskStartedEventAttributes) add('attempt started', at);
        if (event.activityTaskCompletedEventAttributes) add('attempt completed', at);
        if (event.workflowExecutionCompletedEventAttributes) add('completed', at);
      }
      add('received', receipt.receivedAt);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return [...steps.entries()].map(([step, values]) => `${step} ${median(values).toFixed(0)}`).join(', ');
  } finally {
    await connection.close();
  }
}

function summarize(receipts: Receipt[], fromMs: number): { perSecond: number; p50Ms: number; p99Ms: number } {
  const latencies = receipts.map((receipt) => receipt.receivedAt - fromMs).sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { perSecond: receipts.length / (Math.max(1, latencies.at(-1)!) / 1000), p50Ms: at(0.5), p99Ms: at(0.99) };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchWebhooks();
