import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { graphql, wsClient } from '../../harness/graphql-client.ts';
import { startPipelineApp, submitFixture, waitForStatus, type PipelineApp } from '../../harness/pipeline-app.ts';

interface Progress {
  id: string;
  callId: string;
  stage: string;
  state: string;
}

const PROGRESS =
  'subscription ($ids: [ID!]!, $lastEventId: String) ' +
  '{ callProgress(ids: $ids, lastEventId: $lastEventId) { id callId stage state at } }';

describe('live stage progress and the transcript before the analysis', () => {
  let pipeline: PipelineApp;
  let user: EmulatorUser;
  let client: Client;

  beforeAll(async () => {
    pipeline = await startPipelineApp();
    user = await signUpUser();
    client = wsClient(pipeline.scryon, user.idToken);
  });
  afterAll(async () => {
    await client.dispose();
    await pipeline.close();
  });

  /** Collects a subscription's events until `done` says the last one arrived. */
  function collect(
    variables: Record<string, unknown>,
    done: (events: Progress[]) => boolean,
    by: Client = client,
  ): { events: Progress[]; finished: Promise<Progress[]> } {
    const events: Progress[] = [];
    const finished = new Promise<Progress[]>((resolve, reject) => {
      const stop = by.subscribe<{ callProgress: Progress }>(
        { query: PROGRESS, variables },
        {
          next: (result) => {
            if (result.errors) return reject(new Error(JSON.stringify(result.errors)));
            events.push(result.data!.callProgress);
            if (done(events)) {
              stop();
              resolve(events);
            }
          },
          error: reject,
          complete: () => resolve(events),
        },
      );
    });
    return { events, finished };
  }

  /** The call's progress as the call event log recorded it, in log order, with the ids streams give. */
  async function recorded(callId: string): Promise<Array<{ id: string; stage: string; state: string }>> {
    return pipeline.scryon.db!.query(
      `select txid::text || '.' || seq as id, data->>'stage' as stage, data->>'state' as state
         from call_events where call_id = $1 and kind = 'call.progress' order by txid, seq`,
      [callId],
    );
  }

  /** The call's timeline rows, written in the same transactions as its progress. */
  async function timeline(callId: string): Promise<Array<{ stage: string; state: string }>> {
    return pipeline.scryon.db!.query(
      `select stage, status as state from call_processing_events where call_id = $1 order by created_at, id`,
      [callId],
    );
  }

  const lastStageDone = (events: Progress[]) =>
    events.some((event) => event.stage === 'ACTION_ITEMS_EXTRACTED' && event.state !== 'STARTED');

  it('gives a subscriber every stage of a call in order, joined late or not; resumes after lastEventId', async () => {
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    const live = collect({ ids: [callId] }, lastStageDone);
    const events = await live.finished;
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const stored = await recorded(callId);
    expect(events.map(({ id, stage, state }) => ({ id, stage, state }))).toEqual(stored);
    expect(stored.map(({ stage, state }) => ({ stage, state }))).toEqual(await timeline(callId));
    // Every stage that ran (the voice match is off here, and records nothing).
    expect(new Set(events.map((event) => event.stage))).toEqual(
      new Set([
        'AUDIO_PREPROCESSED',
        'DIARIZED',
        'TRANSCRIBED',
        'TRANSCRIPT_ALIGNED',
        'TRANSCRIPT_NORMALIZED',
        'SPEAKER_REFINED',
        'ANALYZED',
        'ACTION_ITEMS_EXTRACTED',
      ]),
    );

    // A client that saw the first three events and reconnects gets the rest, once each.
    const resumed = collect({ ids: [callId], lastEventId: stored[2]!.id }, (seen) => seen.length === stored.length - 3);
    expect((await resumed.finished).map((event) => event.id)).toEqual(stored.slice(3).map((event) => event.id));
  });

  it('serves the transcript on GraphQL and tRPC while the call is ANALYZING, and REST keeps its 422', async () => {
    pipeline.fakes.openai.failNext('chat', { hang: true });
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    const analyzing = collect({ ids: [callId] }, (events) =>
      events.some((event) => event.stage === 'ANALYZED' && event.state === 'STARTED'),
    );
    await analyzing.finished;
    const transcript = 'transcript { schemaVersion callId cleanText segments { id text } }';
    const query = `query ($id: ID!) { call(id: $id) { status ${transcript} } }`;
    const result = await graphql(pipeline.scryon, user.idToken, query, { id: callId });
    expect(result.errors).toBeUndefined();
    expect(result.data.call.status).toBe('ANALYZING');
    expect(result.data.call.transcript).toMatchObject({ schemaVersion: 2, callId });
    const trpc = await json(
      await pipeline.scryon.fetch(
        `/trpc/calls.storedTranscript?input=${encodeURIComponent(JSON.stringify({ id: callId }))}`,
        { token: user.idToken },
      ),
    );
    expect(trpc.result.data).toMatchObject(result.data.call.transcript);
    expect((await pipeline.scryon.fetch(`/api/calls/${callId}/transcript`, { token: user.idToken })).status).toBe(422);
  });

  it('shows another user nothing of a call that is not theirs', async () => {
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const stranger = await signUpUser();
    const strangerClient = wsClient(pipeline.scryon, stranger.idToken);
    try {
      // Their own call, subscribed beside the other's: only its events arrive.
      const own = await submitFixture(pipeline.scryon, stranger.idToken, 'wav');
      const events = await collect({ ids: [callId, own] }, lastStageDone, strangerClient).finished;
      expect(events.every((event) => event.callId === own)).toBe(true);
    } finally {
      await strangerClient.dispose();
    }
  });
});
