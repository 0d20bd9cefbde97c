import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentWavBytes } from '../../harness/audio.ts';
import { json, uploadCall } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { startPipelineApp, waitForStatus, type PipelineApp } from '../../harness/pipeline-app.ts';

/**
 * A silent recording on the real providers' path (protocol fakes with a
 * request log): nothing is paid for, and the call completes saying so.
 */
describe('a silent recording with real providers', () => {
  let pipeline: PipelineApp;
  let user: EmulatorUser;

  beforeAll(async () => {
    pipeline = await startPipelineApp();
    user = await signUpUser();
  });
  afterAll(() => pipeline.close());

  it('completes with an empty transcript and a no-speech analysis, and no provider is asked', async () => {
    const response = await uploadCall(pipeline.scryon, user.idToken, { file: { bytes: silentWavBytes(8) } });
    const { callId } = await json(response);
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const get = async (path: string) => json(await pipeline.scryon.fetch(path, { token: user.idToken }));
    expect((await get(`/api/calls/${callId}/transcript`)).segments).toEqual([]);
    const analysis = await get(`/api/calls/${callId}/analysis`);
    const noSpeech = { oneLineSummary: 'No speech was heard in this recording.', qualityWarnings: ['no_speech'] };
    expect(analysis).toMatchObject(noSpeech);
    expect(await get(`/api/calls/${callId}/action-items`)).toEqual([]);
    expect(pipeline.fakes.openai.requests).toEqual([]);
    expect(pipeline.fakes.lemonfox.requests).toEqual([]);
    expect(pipeline.fakes.pyannote.succeeded('diarize')).toEqual([]);
  });
});
