import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callDeletionWorkflowId } from '../../../src/pipeline/delete-call/deletion-runs.ts';
import { json, storedKeys, userRowId } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { waitFor } from '../../harness/free-port.ts';
import { startPipelineApp, submitFixture, waitForStatus, type PipelineApp } from '../../harness/pipeline-app.ts';

describe('the pipeline on Temporal with provider fakes and fake-gcs-server', () => {
  let pipeline: PipelineApp;
  let user: EmulatorUser;
  let userId: string;

  beforeAll(async () => {
    pipeline = await startPipelineApp();
    user = await signUpUser();
    await pipeline.scryon.fetch('/api/users/me', {
      method: 'PATCH',
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Praveen' }),
    });
    userId = await userRowId(pipeline.scryon, user.uid);
  });
  afterAll(() => pipeline.close());
  beforeEach(() => {
    pipeline.fakes.lemonfox.reset();
    pipeline.fakes.pyannote.reset();
    pipeline.fakes.openai.reset();
  });

  const get = async (path: string) => json(await pipeline.scryon.fetch(path, { token: user.idToken }));

  it('takes a real two-voice recording in each accepted format to COMPLETED, providers paid once a call', async () => {
    const formats = ['wav', 'mp3', 'm4a', 'aac', 'ogg'];
    const callIds = await Promise.all(
      formats.map((format) =>
        submitFixture(pipeline.scryon, user.idToken, format, { contactName: 'Ravi', direction: 'INCOMING' }),
      ),
    );
    for (const callId of callIds)
      expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');

    for (const callId of callIds) {
      const transcript = await get(`/api/calls/${callId}/transcript`);
      expect(transcript).toMatchObject({
        schemaVersion: 2,
        callId,
        pipeline: { transcriptionProvider: 'lemonfox', diarizationProvider: 'pyannote', normalizationVersion: 3 },
      });
      expect(
        transcript.speakers
          .map((speaker: { displayName: string; role: string }) => [speaker.displayName, speaker.role])
          .sort(),
      ).toEqual([
        ['Praveen', 'USER'],
        ['Ravi (Acme)', 'CONTACT'],
      ]);
      expect(transcript.cleanText).toContain('Ravi (Acme): Hello, this is Ravi from Acme.');
      const analysis = await get(`/api/calls/${callId}/analysis`);
      expect(analysis).toMatchObject({ schemaVersion: 4, shortSummary: expect.any(String) });
      const items = await get(`/api/calls/${callId}/action-items`);
      expect(items.map((item: { title: string }) => item.title)).toEqual(
        expect.arrayContaining([expect.stringMatching(/send the proposal/i)]),
      );

      const prefix = `users/${userId}/calls/${callId}/`;
      expect(await storedKeys(pipeline.scryon, prefix)).toEqual([
        `${prefix}analysis/analysis.json`,
        `${prefix}diarization/diarization.json`,
        `${prefix}transcripts/normalized.json`,
        `${prefix}transcripts/raw.json`,
      ]);
      const artifacts = await pipeline.scryon.db!.query<{ artifact_type: string }>(
        'select artifact_type from call_artifacts where call_id = $1 order by artifact_type',
        [callId],
      );
      expect(artifacts.map((row) => row.artifact_type)).toEqual([
        'ANALYSIS_JSON',
        'DIARIZATION_JSON',
        'NORMALIZED_TRANSCRIPT_JSON',
        'RAW_TRANSCRIPT_JSON',
      ]);
    }

    const { lemonfox, pyannote, openai } = pipeline.fakes;
    expect(lemonfox.succeeded('transcribe')).toHaveLength(formats.length);
    expect(pyannote.succeeded('diarize')).toHaveLength(formats.length);
    expect(openai.succeeded('chat')).toHaveLength(formats.length);
    const transcription = lemonfox.succeeded('transcribe')[0]!;
    expect(transcription.fields).toMatchObject({
      response_format: 'verbose_json',
      speaker_labels: 'true',
      'timestamp_granularities[]': ['word', 'segment'],
      model: 'whisper-1',
    });
    expect(pyannote.succeeded('diarize')[0]!.body).toMatchObject({
      model: 'precision-2',
      maxSpeakers: 2,
      url: expect.stringMatching(/^media:\/\/scryon-/),
    });
    expect(pyannote.succeeded('upload')[0]!.contentType).toBe('application/octet-stream');
    const prompt = JSON.stringify(openai.succeeded('chat')[0]!.body);
    expect(prompt).toContain('json_schema');
    expect(prompt).not.toContain('98765');
  });

  it('retries Lemonfox 500 twice and then completes', async () => {
    pipeline.fakes.lemonfox.failNext('transcribe', { status: 500 }, { status: 500 });
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'mp3');
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    expect(
      pipeline.fakes.lemonfox.requests
        .filter((request) => request.route === 'transcribe')
        .map((request) => request.status),
    ).toEqual([500, 500, 200]);
  });

  it('fails the call with transcription_4xx on a Lemonfox 400 and removes the raw audio', async () => {
    pipeline.fakes.lemonfox.failAlways('transcribe', { status: 400 });
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('FAILED');
    expect((await get(`/api/calls/${callId}`)).errorReason).toBe('transcription_4xx');
    expect(pipeline.fakes.lemonfox.requests.filter((request) => request.route === 'transcribe')).toHaveLength(1);
    expect(await storedKeys(pipeline.scryon, `users/${userId}/calls/${callId}/temp/`)).toEqual([]);
    const failed = await pipeline.scryon.db!.query(
      'select stage, error_code from call_processing_events where call_id = $1 and status = $2',
      [callId, 'FAILED'],
    );
    expect(failed).toEqual([{ stage: 'TRANSCRIBED', error_code: 'transcription_4xx' }]);
  });

  it('completes with the Lemonfox speaker-label fallback when pyannote is down', async () => {
    pipeline.fakes.pyannote.failAlways('diarize', { status: 503 });
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'ogg', { direction: 'OUTGOING' });
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const transcript = await get(`/api/calls/${callId}/transcript`);
    expect(transcript.pipeline).toMatchObject({ diarizationProvider: 'pyannote-fallback', status: 'DEGRADED' });
    expect(transcript.speakers).toHaveLength(2);
  });

  it('retries OpenAI 429 (honouring retry-after) and then completes', async () => {
    pipeline.fakes.openai.failNext('chat', { status: 429, headers: { 'retry-after-ms': '200' } });
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'm4a');
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    expect(pipeline.fakes.openai.requests.map((request) => request.status)).toEqual([429, 200]);
  });

  it('fails the call with analysis_invalid_output when OpenAI never returns valid JSON', async () => {
    pipeline.fakes.openai.failAlways('chat', { invalidContent: true });
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'aac');
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('FAILED');
    expect((await get(`/api/calls/${callId}`)).errorReason).toBe('analysis_invalid_output');
    expect(pipeline.fakes.openai.requests).toHaveLength(3);
  });

  it('reanalyze calls OpenAI once, neither Lemonfox nor pyannote, and replaces the AI action items', async () => {
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const manual = await json(
      await pipeline.scryon.fetch(`/api/calls/${callId}/action-items`, {
        method: 'POST',
        token: user.idToken,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Mine' }),
      }),
    );
    const before = await get(`/api/calls/${callId}/action-items`);
    pipeline.fakes.lemonfox.reset();
    pipeline.fakes.pyannote.reset();
    pipeline.fakes.openai.reset();

    const response = await pipeline.scryon.fetch(`/api/calls/${callId}/reanalyze`, {
      method: 'POST',
      token: user.idToken,
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ callId, status: 'COMPLETED', errorReason: null });
    expect(pipeline.fakes.openai.succeeded('chat')).toHaveLength(1);
    expect(pipeline.fakes.lemonfox.requests).toHaveLength(0);
    expect(pipeline.fakes.pyannote.requests).toHaveLength(0);

    const after = await get(`/api/calls/${callId}/action-items`);
    const aiBefore = before.filter((item: { source: string }) => item.source === 'AI');
    const aiAfter = after.filter((item: { source: string }) => item.source === 'AI');
    expect(aiAfter).toHaveLength(aiBefore.length);
    expect(aiAfter.map((item: { id: string }) => item.id)).not.toEqual(
      expect.arrayContaining(aiBefore.map((item: { id: string }) => item.id)),
    );
    expect(after.map((item: { id: string }) => item.id)).toContain(manual.id);
  });

  it('answers two reanalyses sharing an X-Request-Id, sent at once and again, with 200 each', async () => {
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const reanalyze = () =>
      pipeline.scryon.fetch(`/api/calls/${callId}/reanalyze`, {
        method: 'POST',
        token: user.idToken,
        headers: { 'x-request-id': 'same-request' },
      });
    const concurrent = await Promise.all([reanalyze(), reanalyze()]);
    const again = await reanalyze();
    expect([...concurrent, again].map((response) => response.status)).toEqual([200, 200, 200]);
  });

  it('cancels the workflow of a call deleted while TRANSCRIBING and leaves no object behind', async () => {
    pipeline.fakes.lemonfox.failNext('transcribe', { hang: true });
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    await waitForStatus(pipeline.scryon, user.idToken, callId, ['TRANSCRIBING']);
    await waitFor(
      async () => pipeline.fakes.lemonfox.requests.some((request) => request.route === 'transcribe'),
      'the transcription request',
    );
    const response = await pipeline.scryon.fetch(`/api/calls/${callId}`, { method: 'DELETE', token: user.idToken });
    expect(response.status).toBe(204);
    await pipeline.scryon.app.temporal.client.workflow.getHandle(callDeletionWorkflowId(callId)).result();
    const workflow = await pipeline.scryon.app.temporal.client.workflow.getHandle(`call-${callId}`).describe();
    expect(workflow.status.name).toBe('CANCELLED');
    expect(await storedKeys(pipeline.scryon, `users/${userId}/calls/${callId}/`)).toEqual([]);
    expect(await pipeline.scryon.db!.query('select 1 from call_records where id = $1', [callId])).toEqual([]);
  });
});
