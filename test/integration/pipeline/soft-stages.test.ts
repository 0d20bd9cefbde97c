import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { CallActivities } from '../../../src/pipeline/process-call/call-activities.ts';
import { audioTaskQueue } from '../../../src/pipeline/process-call/call-runs.ts';

type Recorded = {
  finished?: { status: string; reason: string | null };
  normalizedWith?: unknown[];
  refinedWith?: unknown[];
};

/**
 * The call workflow's own rules, on the Temporal dev server: what happens
 * when an activity fails outright (its retries exhausted, or refused). The
 * stages are stand-ins that record what the workflow asked of them; the
 * stages themselves are tested with the real activities elsewhere.
 */
describe('processCallWorkflow when an activity fails outright', () => {
  let connection: NativeConnection;
  let client: Client;
  const bundle = JSON.parse(readFileSync(inject('workflowBundlePath'), 'utf8')) as WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  });
  afterAll(async () => {
    await client.connection.close();
    await connection.close();
  });

  const refuse = (type?: string) => async () => {
    throw ApplicationFailure.create({ message: 'refused', nonRetryable: true, ...(type ? { type } : {}) });
  };

  async function runCall(failing: Partial<Record<keyof CallActivities, () => Promise<never>>>): Promise<Recorded> {
    const recorded: Recorded = {};
    const plan = {
      originalKey: 'k',
      originalContentType: 'audio/wav',
      diarizationKey: null,
      transcriptionKey: null,
      durationSeconds: 3,
    };
    const activities = {
      markCallStatus: async () => undefined,
      preprocessAudio: async () => ({ ...plan, diarizationKey: 'd', transcriptionKey: 't' }),
      originalAudioPlan: async () => plan,
      diarizeSpeakers: async () => ({ provider: 'pyannote', stored: true }),
      transcribeAudio: async () => undefined,
      matchVoice: async () => ({ status: 'MATCHED', sourceSpeakerId: 'SPEAKER_00', score: 0.9, confidence: 'HIGH' }),
      normalizeTranscript: async (...args: unknown[]) => void (recorded.normalizedWith = args),
      refineSpeakers: async (...args: unknown[]) => void (recorded.refinedWith = args),
      analyzeTranscript: async () => undefined,
      persistActionItems: async () => undefined,
      finishCall: async (_input: unknown, status: string, reason: string | null) =>
        void (recorded.finished = { status, reason }),
      ...failing,
    };
    const taskQueue = `soft-stages-${randomUUID()}`;
    const worker = await Worker.create({ connection, taskQueue, workflowBundle: bundle, activities });
    // Preprocessing is scheduled on the audio queue, which production serves with its own worker.
    const audioWorker = await Worker.create({ connection, taskQueue: audioTaskQueue(taskQueue), activities });
    const call = client.workflow.execute('processCallWorkflow', {
      taskQueue,
      workflowId: `call-${randomUUID()}`,
      args: [{ callId: randomUUID(), userId: randomUUID() }],
    });
    await audioWorker.runUntil(worker.runUntil(call));
    return recorded;
  }

  it.each([
    ['preprocessAudio', 'preprocessing'],
    ['diarizeSpeakers', 'diarization'],
    ['matchVoice', 'voice match'],
    ['persistActionItems', 'action items'],
  ] as const)('a failed %s (%s) degrades to its fallback and the call completes', async (activity, _stage) => {
    const recorded = await runCall({ [activity]: refuse() });
    expect(recorded.finished).toEqual({ status: 'COMPLETED', reason: null });
  });

  it('a failed diarization and voice match reach the transcript as the documented fallbacks', async () => {
    const recorded = await runCall({ diarizeSpeakers: refuse(), matchVoice: refuse() });
    expect(recorded.normalizedWith?.slice(1)).toEqual([{ provider: 'pyannote-fallback', stored: false }]);
    expect(recorded.refinedWith?.slice(1)).toEqual([
      { status: 'SKIPPED', sourceSpeakerId: null, score: null, confidence: null },
    ]);
  });

  it.each([
    ['transcribeAudio', 'transcription_4xx', 'transcription_4xx'],
    ['transcribeAudio', undefined, 'transcription_failed'],
    ['analyzeTranscript', undefined, 'analysis_failed'],
    ['normalizeTranscript', undefined, 'normalization_failed'],
    ['refineSpeakers', undefined, 'normalization_failed'],
  ] as const)('a failed %s (type %s) fails the call as %s, never pipeline_error', async (activity, type, reason) => {
    const recorded = await runCall({ [activity]: refuse(type) });
    expect(recorded.finished).toEqual({ status: 'FAILED', reason });
  });
});
