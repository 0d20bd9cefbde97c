import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { ScheduleDescription } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  registerSearchAttributes,
  registrationCommand,
  registrationState,
} from '../../../src/pipeline/runtime/search-attributes.ts';
import { ensureSweepSchedules, sweepScheduleId } from '../../../src/pipeline/sweeps/sweep-schedules.ts';
import { callQuery, TEMPORAL_UI_QUERIES } from '../../../src/pipeline/runtime/temporal-ui-views.ts';
import { resolveTemporalCli } from '../../../src/pipeline/runtime/temporal-runtime.ts';
import { callWorkflowId, reanalysisWorkflowId } from '../../../src/pipeline/process-call/call-runs.ts';
import { CALL_STATUS, SCRYON_SEARCH_ATTRIBUTES, WORKFLOW_KIND } from '../../../workflows/search-attributes.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { waitFor } from '../../harness/free-port.ts';
import { startPipelineApp, submitFixture, waitForStatus, type PipelineApp } from '../../harness/pipeline-app.ts';
import { runSweep, sweepSchedule } from '../../harness/sweeps.ts';

const MINUTE = 60_000;

describe('the search attributes the Temporal UI filters by, on the Temporal dev server', () => {
  let pipeline: PipelineApp;
  let user: EmulatorUser;

  beforeAll(async () => {
    pipeline = await startPipelineApp();
    user = await signUpUser();
  });
  afterAll(() => pipeline.close());
  beforeEach(() => {
    pipeline.fakes.lemonfox.reset();
    pipeline.fakes.pyannote.reset();
    pipeline.fakes.openai.reset();
  });

  const client = () => pipeline.scryon.app.temporal.client;
  const taskQueue = () => pipeline.scryon.env.TEMPORAL_TASK_QUEUE as string;

  /**
   * The workflow ids `query` lists among this file's workflows, once the list
   * satisfies `ready` (visibility lags a little).
   */
  async function listed(query: string, ready: (ids: string[]) => boolean): Promise<string[]> {
    let ids: string[] = [];
    await waitFor(async () => {
      ids = [];
      for await (const workflow of client().workflow.list({ query: `${query} AND TaskQueue = "${taskQueue()}"` }))
        ids.push(workflow.workflowId);
      return ready(ids);
    }, `the Temporal UI query ${query}`);
    return ids;
  }

  it('lists a done call by ScryonWorkflow = "call" AND CallStatus = "COMPLETED"; sweeps query skips it', async () => {
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const completed = await listed('ScryonWorkflow = "call" AND CallStatus = "COMPLETED"', (ids) =>
      ids.includes(callWorkflowId(callId)),
    );
    expect(completed).toEqual([callWorkflowId(callId)]);

    await runSweep(pipeline.scryon, 'stalled_calls');
    const sweeps = await listed(TEMPORAL_UI_QUERIES.sweeps, (ids) => ids.length > 0);
    expect(sweeps.every((id) => id.startsWith(sweepScheduleId(taskQueue(), 'stalled_calls')))).toBe(true);
    expect(sweeps).not.toContain(callWorkflowId(callId));
    expect(await listed(TEMPORAL_UI_QUERIES.calls, (ids) => ids.includes(callWorkflowId(callId)))).toEqual([
      callWorkflowId(callId),
    ]);

    // One call by id: its processing and its reanalysis, each with its kind.
    const reanalysis = await pipeline.scryon.fetch(`/api/calls/${callId}/reanalyze`, {
      method: 'POST',
      token: user.idToken,
    });
    expect(reanalysis.status).toBe(200);
    const aboutTheCall = await listed(callQuery(callId), (ids) => ids.length === 2);
    expect(aboutTheCall.sort()).toEqual([callWorkflowId(callId), reanalysisWorkflowId(callId)]);
    const described = await client().workflow.getHandle(reanalysisWorkflowId(callId)).describe();
    expect(described.typedSearchAttributes.get(WORKFLOW_KIND)).toBe('reanalysis');
    expect(described.typedSearchAttributes.get(CALL_STATUS)).toBeUndefined();
  });

  it('lists a failed call under CallStatus = "FAILED", and not under COMPLETED', async () => {
    pipeline.fakes.lemonfox.failAlways('transcribe', { status: 400 });
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('FAILED');
    expect(await listed(TEMPORAL_UI_QUERIES.failedCalls, (ids) => ids.includes(callWorkflowId(callId)))).toEqual([
      callWorkflowId(callId),
    ]);
    expect(await listed('CallStatus = "COMPLETED"', () => true)).not.toContain(callWorkflowId(callId));
  });

  it('brings an existing sweep schedule up to date without undoing what an operator tuned', async () => {
    const { logger } = pipeline.scryon.app;
    const searchAttributes = await registerSearchAttributes(
      client(),
      pipeline.scryon.app.config.temporal.namespace,
      logger,
    );
    // Two schedules as a release before the search attributes left them: untagged runs, one interval tuned.
    const untag = (every: number) => (previous: ScheduleDescription) => ({
      ...previous,
      spec: { ...previous.spec, intervals: [{ every }] },
      action: { ...previous.action, searchAttributes: {}, typedSearchAttributes: [] },
    });
    await sweepSchedule(pipeline.scryon, 'unstarted_calls').update(untag(MINUTE));
    await sweepSchedule(pipeline.scryon, 'pending_deletions').update(untag(7 * MINUTE));
    const shape = async (kind: string) => {
      const description = await sweepSchedule(pipeline.scryon, kind).describe();
      const action = description.action.type === 'startWorkflow' ? description.action : undefined;
      return {
        every: description.spec.intervals?.map((interval) => interval.every),
        kind: (action?.typedSearchAttributes as TypedSearchAttributes | undefined)?.get(WORKFLOW_KIND),
        args: action?.args,
      };
    };
    expect(await shape('unstarted_calls')).toEqual({ every: [MINUTE], kind: undefined, args: ['unstarted_calls'] });

    await ensureSweepSchedules(client(), taskQueue(), { embedded: false, searchAttributes }, logger);
    expect(await shape('unstarted_calls')).toEqual({ every: [MINUTE], kind: 'sweep', args: ['unstarted_calls'] });
    expect(await shape('pending_deletions')).toEqual({
      every: [7 * MINUTE],
      kind: 'sweep',
      args: ['pending_deletions'],
    });

    // The embedded dev server's start: the untuned reconciler slows to its dev interval, the tuned one stays.
    await ensureSweepSchedules(client(), taskQueue(), { embedded: true, searchAttributes }, logger);
    expect(await shape('unstarted_calls')).toEqual({ every: [10 * MINUTE], kind: 'sweep', args: ['unstarted_calls'] });
    expect(await shape('pending_deletions')).toEqual({
      every: [7 * MINUTE],
      kind: 'sweep',
      args: ['pending_deletions'],
    });
    expect(await shape('stalled_calls')).toEqual({ every: [5 * MINUTE], kind: 'sweep', args: ['stalled_calls'] });
  });

  it('the command of the warning and docs/operations.md registers all three on a namespace lacking them', async () => {
    const namespace = `scryon-cli-${randomBytes(4).toString('hex')}`;
    await client().workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const [program, ...args] = registrationCommand(namespace, SCRYON_SEARCH_ATTRIBUTES).split(' ');
    expect(program).toBe('temporal');
    const cli = await resolveTemporalCli(process.env.TEMPORAL_CLI_PATH);
    // A new namespace reaches the server's cache within seconds; until then the CLI is told it does not exist.
    await waitFor(
      async () => Boolean(await promisify(execFile)(cli, [...args, '--address', inject('temporalAddress')])),
      'the temporal CLI to register them',
      30_000,
    );
    const listed = await client().connection.operatorService.listSearchAttributes({ namespace });
    expect(registrationState(listed.customAttributes ?? {})).toEqual({
      registered: [...SCRYON_SEARCH_ATTRIBUTES],
      missing: [],
      conflicting: [],
    });
  });
});
