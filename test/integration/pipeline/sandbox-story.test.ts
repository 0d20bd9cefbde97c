import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConversationFor, heardDurationSeconds } from '../../../src/providers/sandbox/conversation-script.ts';
import { DEMO_CONVERSATIONS, type DemoConversation } from '../../../src/providers/sandbox/demo-conversations.ts';
import { json } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import {
  fixture,
  startPipelineApp,
  submitFixture,
  waitForStatus,
  type PipelineApp,
} from '../../harness/pipeline-app.ts';

/** A Wednesday, so every spoken due date resolves to a known day. */
const RECORDED_AT = '2026-03-04T09:30:00.000Z';
const byId = (id: string) => DEMO_CONVERSATIONS.find((conversation) => conversation.id === id)!;

interface Segment {
  speakerId: string;
  speakerDisplayName: string | null;
  text: string;
}

/**
 * What a new user sees after `npm run dev`: the sandbox providers behind the
 * real clients, with preprocessing as it runs when ffmpeg is there and as it
 * falls back when it is not (where the turns once came apart word by word).
 */
describe.each([
  ['with preprocessing', 'true'],
  ['without preprocessing, as on a machine with no ffmpeg', 'false'],
])('the sandbox call heard in an upload, %s', (_case, preprocessing) => {
  let pipeline: PipelineApp;
  let user: EmulatorUser;

  beforeAll(async () => {
    pipeline = await startPipelineApp({ env: { SCRYON_AUDIO_PREPROCESSING_ENABLED: preprocessing } });
    user = await signUpUser();
    await pipeline.scryon.fetch('/api/users/me', {
      method: 'PATCH',
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Praveen' }),
    });
  });
  afterAll(() => pipeline.close());

  const get = async (path: string) => json(await pipeline.scryon.fetch(path, { token: user.idToken }));

  async function heard(format: string) {
    const callId = await submitFixture(pipeline.scryon, user.idToken, format, {
      direction: 'OUTGOING',
      contactName: 'Ravi',
      recordedAt: RECORDED_AT,
    });
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    return {
      transcript: await get(`/api/calls/${callId}/transcript`),
      analysis: await get(`/api/calls/${callId}/analysis`),
      items: await get(`/api/calls/${callId}/action-items`),
    };
  }

  function expectWholeTurns(segments: Segment[], conversation: DemoConversation): void {
    expect(segments.map((segment) => segment.text)).toEqual(conversation.lines.map((line) => line.text));
    expect(segments.map((segment) => segment.speakerDisplayName)).toEqual(
      conversation.lines.map((line) => (line.speaker === 'SPEAKER_00' ? 'Ravi (Acme)' : 'Praveen')),
    );
    segments.slice(1).forEach((segment, index) => expect(segment.speakerId).not.toBe(segments[index]!.speakerId));
    expect(segments.filter((segment) => segment.text.split(' ').length < 3)).toEqual([]);
  }

  it('reads the m4a fixture as one call in whole alternating turns, summarised, with dated action items', async () => {
    // Preprocessed, every format of the fixture is 13 s long; left alone, the m4a's bytes are heard as 16 s.
    const conversation =
      preprocessing === 'true'
        ? byId('split-delivery')
        : demoConversationFor(heardDurationSeconds(fixture('two-party-call.m4a')));
    const { transcript, analysis, items } = await heard('m4a');

    expectWholeTurns(transcript.segments, conversation);
    expect(transcript.pipeline).toMatchObject({ diarizationProvider: 'pyannote', status: 'COMPLETED' });
    expect(transcript.cleanText.split('\n')[0]).toMatch(
      /^\[00:00 - 00:0\d\] Ravi \(Acme\): Hello, this is Ravi from Acme\.$/,
    );
    expect(analysis).toMatchObject({
      oneLineSummary: conversation.story.summary,
      shortSummary: conversation.story.summary,
      qualityWarnings: ['sandbox_analysis'],
    });

    const expected = conversation.story.actionItems.map((action) => ({
      title: action.title,
      ownerDisplayName: conversation.lines[action.line]!.speaker === 'SPEAKER_00' ? 'Ravi (Acme)' : 'Praveen',
    }));
    expect(
      items.map((item: { title: string; ownerDisplayName: string }) => ({
        title: item.title,
        ownerDisplayName: item.ownerDisplayName,
      })),
    ).toEqual(expect.arrayContaining(expected));
    expect(items).toHaveLength(expected.length);
    for (const item of items) expect(item.dueDate >= '2026-03-04' && item.dueDate <= '2026-03-11').toBe(true);

    // The pipeline indexed the call before COMPLETED: what Ravi said is found at the moment he said it.
    const said = transcript.segments.find(
      (segment: Segment & { role: string }) => segment.role === 'CONTACT' && segment.text.split(' ').length >= 4,
    );
    const phrase = `"${said.text.replace(/[^\p{L}\p{N} ]/gu, ' ')}"`;
    const { hits } = await get(`/api/calls/search?${new URLSearchParams({ q: phrase, speakerRole: 'CONTACT' })}`);
    expect(hits[0]).toMatchObject({
      call: { callId: transcript.callId },
      source: 'SEGMENT',
      segmentId: said.id,
      startSeconds: said.startSeconds,
      speaker: { role: 'CONTACT', name: 'Ravi (Acme)' },
    });
    // ...and its sentiment, outcome and open items filter the list.
    expect(analysis.outcome).toMatchObject({ result: 'achieved', rationale: expect.any(String) });
    expect(analysis.outcome.sourceSegmentIds.length).toBeGreaterThan(0);
    const listFilters = new URLSearchParams({
      sentiment: analysis.sentiment.overall,
      outcome: 'achieved,partially_achieved',
      hasOpenActions: 'true',
    });
    const listed = await get(`/api/calls?${listFilters}`);
    expect(listed.items.map((item: { callId: string }) => item.callId)).toContain(transcript.callId);
    const titled = await get(`/api/calls/search?${new URLSearchParams({ q: items[0].title })}`);
    expect(titled.hits.map((hit: { source: string }) => hit.source)).toContain('ACTION_ITEM');
  });

  it('hears the wav fixture as the call its length picks, whole turns again', async () => {
    const conversation =
      preprocessing === 'true'
        ? byId('split-delivery')
        : demoConversationFor(heardDurationSeconds(fixture('two-party-call.wav')));
    const { transcript, analysis } = await heard('wav');
    expectWholeTurns(transcript.segments, conversation);
    expect(analysis.oneLineSummary).toBe(conversation.story.summary);
    // Left alone, the two encodings of one recording are different uploads, and are heard as different calls.
    if (preprocessing === 'false')
      expect(conversation).not.toBe(demoConversationFor(heardDurationSeconds(fixture('two-party-call.m4a'))));
  });

  if (preprocessing === 'true') {
    it('dates the split delivery call from the day it was recorded', async () => {
      const { items } = await heard('mp3');
      expect(items.map((item: { title: string; dueDate: string }) => [item.title, item.dueDate]).sort()).toEqual([
        ['Review the proposal and confirm the order with finance', '2026-03-10'],
        ['Send the proposal with the new delivery dates', '2026-03-06'],
      ]);
    });
  }
});
