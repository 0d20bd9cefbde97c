import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisTranscript } from '../../../src/analysis/analysis-input.ts';
import { buildAnalysisPrompt } from '../../../src/analysis/analysis-prompt.ts';
import { ANALYSIS_RESPONSE_FORMAT } from '../../../src/analysis/analysis-schema.ts';
import { groundAnalysis } from '../../../src/analysis/ground-analysis.ts';
import { sandboxAnalysis } from '../../../src/providers/sandbox/sandbox-analysis.ts';
import { createOpenAiAnalysisClient } from '../../../src/providers/openai/openai-analysis-client.ts';
import { DEMO_CONVERSATIONS, type DemoConversation } from '../../../src/providers/sandbox/demo-conversations.ts';
import { startSandboxProviders, type SandboxProviders } from '../../../src/providers/sandbox/sandbox-providers.ts';

/** A Wednesday. */
const RECORDED_AT = '2026-03-04T09:30:00.000Z';
const conversations = DEMO_CONVERSATIONS.map((conversation) => [conversation.id, conversation] as const);
const byId = (id: string) => DEMO_CONVERSATIONS.find((conversation) => conversation.id === id)!;

/** The call as the pipeline would hand it over: Ravi resolved as the contact, Praveen as the user. */
type Role = AnalysisTranscript['segments'][number]['role'];

function transcriptOf(
  conversation: DemoConversation,
  roles: Record<'SPEAKER_00' | 'SPEAKER_01', Role> = { SPEAKER_00: 'CONTACT', SPEAKER_01: 'USER' },
): AnalysisTranscript {
  const speakerId = (speaker: string) => (speaker === 'SPEAKER_00' ? 'spk_1' : 'spk_2');
  return {
    language: 'english',
    durationSeconds: conversation.lines.length * 3,
    speakers: [
      {
        speakerId: 'spk_1',
        label: 'Speaker 1',
        displayName: roles.SPEAKER_00 === 'CONTACT' ? 'Ravi (Acme)' : null,
        role: roles.SPEAKER_00,
      },
      {
        speakerId: 'spk_2',
        label: 'Speaker 2',
        displayName: roles.SPEAKER_01 === 'USER' ? 'Praveen' : null,
        role: roles.SPEAKER_01,
      },
    ],
    segments: conversation.lines.map((line, index) => ({
      id: `seg_${String(index + 1).padStart(4, '0')}`,
      speakerId: speakerId(line.speaker),
      role: roles[line.speaker as 'SPEAKER_00' | 'SPEAKER_01'],
      startSeconds: index * 3,
      endSeconds: index * 3 + 2.7,
      text: line.text,
    })),
  };
}

describe('the sandbox analysis of a demo call', () => {
  it.each(conversations)('%s passes grounding with nothing removed', (_id, conversation) => {
    const transcript = transcriptOf(conversation);
    const output = sandboxAnalysis(transcript, { recordedAt: RECORDED_AT });
    const { analysis, corrections } = groundAnalysis(JSON.stringify(output), transcript);
    expect(corrections).toEqual([]);
    const { actionItems, ...rest } = analysis;
    const { actionItems: proposed, ...proposedRest } = output;
    expect(rest).toEqual({ ...proposedRest, schemaVersion: 4 });
    // Grounding only fills the owner's label and name in from the resolved speaker.
    const speakers = new Map(transcript.speakers.map((speaker) => [speaker.speakerId, speaker]));
    expect(actionItems).toEqual(
      proposed.map((item) => ({
        ...item,
        ownerSpeakerLabel: speakers.get(item.ownerSpeakerId!)!.label,
        ownerDisplayName: speakers.get(item.ownerSpeakerId!)!.displayName,
      })),
    );
  });

  it.each(conversations)(
    '%s reads as its story: one line, cited points, dated action items owned by who committed',
    (_id, conversation) => {
      const transcript = transcriptOf(conversation);
      const output = sandboxAnalysis(transcript, { recordedAt: RECORDED_AT });
      expect(output.oneLineSummary).toBe(conversation.story.summary);
      expect(output.oneLineSummary).toMatch(/^[A-Z][^\n]{40,220}\.$/);
      expect(output.keyDiscussionPoints.length).toBeGreaterThan(0);
      expect(output.actionItems.length).toBeGreaterThanOrEqual(2);
      const segmentIds = new Set(transcript.segments.map((segment) => segment.id));
      for (const [index, item] of output.actionItems.entries()) {
        const committing = transcript.segments[conversation.story.actionItems[index]!.line]!;
        expect(item).toMatchObject({
          ownerSpeakerId: committing.speakerId,
          ownerRole: committing.role,
          sourceSegmentIds: [committing.id],
          dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        });
        expect(item.dueDate! >= '2026-03-04').toBe(true);
      }
      const cited = JSON.stringify(output).match(/seg_\d{4}/g) ?? [];
      expect(cited.every((id) => segmentIds.has(id))).toBe(true);
      // Ravi is the contact here and Praveen the user, whatever the script calls their voices.
      expect(output.sentiment.userSentiment).toEqual(conversation.story.sentiment.bySpeaker.SPEAKER_01);
      expect(output.sentiment.contactSentiment).toEqual(conversation.story.sentiment.bySpeaker.SPEAKER_00);
    },
  );

  it('resolves what was said against the day the call was recorded', () => {
    const dueDates = (id: string, recordedAt = RECORDED_AT) =>
      sandboxAnalysis(transcriptOf(byId(id)), { recordedAt }).actionItems.map((item) => [item.title, item.dueDate]);
    expect(dueDates('split-delivery')).toEqual([
      ['Send the proposal with the new delivery dates', '2026-03-06'],
      ['Review the proposal and confirm the order with finance', '2026-03-10'],
    ]);
    // "By Friday" said on a Friday is next week's.
    expect(dueDates('split-delivery', '2026-03-06T17:00:00Z')[0]).toEqual([
      'Send the proposal with the new delivery dates',
      '2026-03-13',
    ]);
    expect(dueDates('support-renewal')).toEqual([
      ['Email the two year quote', '2026-03-04'],
      ['Call back with the renewal decision', '2026-03-05'],
    ]);
    expect(dueDates('onboarding-kickoff').map(([, date]) => date)).toEqual(['2026-03-11', '2026-03-05', '2026-03-06']);
    const kickoff = sandboxAnalysis(transcriptOf(byId('onboarding-kickoff')), { recordedAt: RECORDED_AT })
      .actionItems[0]!;
    expect(kickoff).toMatchObject({
      intent: 'meeting',
      intentMetadata: {
        proposedAt: '2026-03-11T10:00',
        durationMinutes: 60,
        attendees: [{ name: 'Anita', email: null }],
      },
    });
    const remaining = sandboxAnalysis(transcriptOf(byId('split-delivery')), {
      recordedAt: '2026-12-15T08:00:00Z',
    }).importantDates.at(-1);
    expect(remaining).toEqual({
      description: 'The remaining scanners are delivered at the end of next month',
      date: '2027-01-31',
      sourceSegmentIds: ['seg_0005'],
    });
  });

  it('leaves due dates out when it does not know when the call was recorded', () => {
    const output = sandboxAnalysis(transcriptOf(byId('invoice-correction')));
    expect(output.actionItems.map((item) => item.dueDate)).toEqual([null, null, null]);
    expect(output.importantDates.map((date) => date.description)).toContain('Pay the corrected invoice by Thursday');
  });

  it('gives each party the sentiment of the voice the transcript resolved them to', () => {
    const conversation = byId('support-renewal');
    const output = sandboxAnalysis(transcriptOf(conversation, { SPEAKER_00: 'USER', SPEAKER_01: 'CONTACT' }), {
      recordedAt: RECORDED_AT,
    });
    expect(output.sentiment.userSentiment).toEqual(conversation.story.sentiment.bySpeaker.SPEAKER_00);
    const unresolved = sandboxAnalysis(transcriptOf(conversation, { SPEAKER_00: 'UNKNOWN', SPEAKER_01: 'UNKNOWN' }), {
      recordedAt: RECORDED_AT,
    });
    expect(unresolved.sentiment.userSentiment).toEqual({ overall: 'unclear', score: null, notes: null });
  });

  it('falls back to restating the transcript when it is not a demo call word for word', () => {
    const transcript = transcriptOf(byId('split-delivery'));
    transcript.segments[6] = { ...transcript.segments[6]!, text: 'I will send the proposal by Friday.' };
    const output = sandboxAnalysis(transcript, { recordedAt: RECORDED_AT });
    expect(output.oneLineSummary).toBe('Hello, this is Ravi from Acme. Hi Ravi, Praveen here. Thanks for calling.');
    expect(output.actionItems.map((item) => [item.title, item.dueDate])).toEqual([
      ['Send the proposal by Friday', null],
      ['Review it and confirm the order with our finance team by Tuesday', null],
    ]);
  });
});

describe('the OpenAI fake', () => {
  let fakes: SandboxProviders;
  beforeAll(async () => {
    fakes = await startSandboxProviders();
  });
  afterAll(() => fakes.close());

  it('answers our own prompt with the story, dated from the call it names', async () => {
    const transcript = transcriptOf(byId('split-delivery'));
    const prompt = buildAnalysisPrompt({
      call: { callId: 'c1', recordedAt: RECORDED_AT, durationSeconds: 30 },
      transcript,
    });
    const client = createOpenAiAnalysisClient({
      apiKey: 'k',
      baseUrl: fakes.openaiBaseUrl,
      model: 'gpt-4o-mini',
      timeoutMs: 5_000,
      temperature: 0.2,
    });
    const { analysis, corrections } = groundAnalysis(
      (await client.complete(prompt, ANALYSIS_RESPONSE_FORMAT, new AbortController().signal)).content,
      transcript,
    );
    expect(corrections).toEqual([]);
    expect(analysis.oneLineSummary).toBe(byId('split-delivery').story.summary);
    expect(analysis.actionItems.map((item) => [item.ownerDisplayName, item.dueDate])).toEqual([
      ['Ravi (Acme)', '2026-03-06'],
      ['Praveen', '2026-03-10'],
    ]);
  });
});
