import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallCost } from '../../../src/costs/cost-schemas.ts';
import { json } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { graphql } from '../../harness/graphql-client.ts';
import { startPipelineApp, submitFixture, waitForStatus, type PipelineApp } from '../../harness/pipeline-app.ts';

/** Prices chosen so every stage costs something: $ per audio hour, $ per million tokens. */
const PRICES = { transcription: 0.36, diarization: 0.72, input: 2, output: 8 };
/** What the OpenAI fake reports for every completion. */
const TOKENS = { inputTokens: 100, outputTokens: 50 };
const ANALYSIS_COST = (TOKENS.inputTokens * PRICES.input + TOKENS.outputTokens * PRICES.output) / 1_000_000;

type StageCost = CallCost['stages'][number];

describe('what each call cost, over the real provider clients', () => {
  let pipeline: PipelineApp;
  let user: EmulatorUser;

  beforeAll(async () => {
    pipeline = await startPipelineApp({
      env: {
        SCRYON_PRICE_TRANSCRIPTION_PER_AUDIO_HOUR_USD: String(PRICES.transcription),
        SCRYON_PRICE_DIARIZATION_PER_AUDIO_HOUR_USD: String(PRICES.diarization),
        SCRYON_PRICE_LLM_INPUT_PER_MILLION_TOKENS_USD: String(PRICES.input),
        SCRYON_PRICE_LLM_OUTPUT_PER_MILLION_TOKENS_USD: String(PRICES.output),
      },
    });
    user = await signUpUser();
  });
  afterAll(() => pipeline.close());

  const cost = async (callId: string) =>
    json<CallCost>(await pipeline.scryon.fetch(`/api/calls/${callId}/cost`, { token: user.idToken }));
  const stage = (stages: StageCost[], name: string) => stages.find((entry) => entry.stage === name)!;
  const near = (value: number, expected: number) => expect(value).toBeCloseTo(expected, 6);

  it('prices each stage from reported usage, a failed attempt at no cost, only LLM cost on reanalysis', async () => {
    // The first completion fails with a 500 (not billed); the retry succeeds.
    pipeline.fakes.openai.failNext('chat', { status: 500 });
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');

    const first = await cost(callId);
    const transcribed = stage(first.stages, 'TRANSCRIBED');
    const diarized = stage(first.stages, 'DIARIZED');
    const analyzed = stage(first.stages, 'ANALYZED');
    expect(transcribed).toMatchObject({ attempts: 1, billedAttempts: 1 });
    expect(transcribed.audioSeconds).toBeGreaterThan(1);
    near(transcribed.costUsd, (transcribed.audioSeconds / 3600) * PRICES.transcription);
    expect(diarized).toMatchObject({ attempts: 1, billedAttempts: 1 });
    near(diarized.costUsd, (diarized.audioSeconds / 3600) * PRICES.diarization);
    expect(analyzed).toMatchObject({ attempts: 2, billedAttempts: 1, ...TOKENS });
    near(analyzed.costUsd, ANALYSIS_COST);
    near(first.totalUsd, transcribed.costUsd + diarized.costUsd + analyzed.costUsd);

    const reanalyzed = await pipeline.scryon.fetch(`/api/calls/${callId}/reanalyze`, {
      method: 'POST',
      token: user.idToken,
    });
    expect(reanalyzed.status).toBeLessThan(300);
    const second = await cost(callId);
    expect(stage(second.stages, 'TRANSCRIBED')).toEqual(transcribed);
    expect(stage(second.stages, 'DIARIZED')).toEqual(diarized);
    expect(stage(second.stages, 'ANALYZED')).toMatchObject({
      attempts: 3,
      billedAttempts: 2,
      inputTokens: 2 * TOKENS.inputTokens,
    });
    near(second.totalUsd - first.totalUsd, ANALYSIS_COST);

    // The same on GraphQL, and in the period summary.
    const result = await graphql(
      pipeline.scryon,
      user.idToken,
      'query ($id: ID!) { call(id: $id) { cost { currency totalUsd stages { stage attempts costUsd } } } }',
      { id: callId },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.call.cost).toEqual({
      currency: 'USD',
      totalUsd: second.totalUsd,
      stages: second.stages.map(({ stage: name, attempts, costUsd }) => ({ stage: name, attempts, costUsd })),
    });
    const summary = await json(await pipeline.scryon.fetch('/api/calls/summary', { token: user.idToken }));
    near(summary.totals.costUsd, second.totalUsd);
  });

  it('answers another user’s call, or none, as a missing one', async () => {
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    const stranger = await signUpUser();
    expect((await pipeline.scryon.fetch(`/api/calls/${callId}/cost`, { token: stranger.idToken })).status).toBe(404);
    expect((await pipeline.scryon.fetch('/api/calls/not-a-call/cost', { token: user.idToken })).status).toBe(404);
  });
});
