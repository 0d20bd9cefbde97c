import type { AnalysisOutput } from './analysis-schema.ts';
import type { AnalysisTranscript } from './analysis-input.ts';
import { redact } from './analysis-prompt.ts';

const COMMITMENT = /\b(?:I'll|I will|we'll|we will|let me)\s+(send|call|email|review|share|follow up|book|schedule|check|prepare)\b[^.?!]*/i;
const INTENT_BY_VERB: Record<string, AnalysisOutput['actionItems'][number]['intent']> = {
  send: 'email',
  email: 'email',
  call: 'call',
  book: 'meeting',
  schedule: 'meeting',
};

/**
 * A deterministic, rule-based stand-in for the LLM, used by the sandbox
 * provider in development and by the OpenAI test fake. It only restates what
 * the transcript says, so its output passes grounding unchanged.
 */
export function sandboxAnalysis(transcript: AnalysisTranscript): AnalysisOutput {
  const segments = transcript.segments;
  const opening = segments.slice(0, 2).map((segment) => redact(segment.text)).join(' ');
  const actionItems = segments.flatMap((segment) => {
    const match = COMMITMENT.exec(segment.text);
    if (!match) return [];
    const verb = match[1]!.toLowerCase();
    return [
      {
        title: capitalise(redact(match[0]).replace(/^(I'll|I will|we'll|we will|let me)\s+/i, '')),
        description: null,
        ownerSpeakerId: segment.speakerId,
        ownerSpeakerLabel: null,
        ownerDisplayName: null,
        ownerRole: segment.role,
        dueDate: null,
        priority: 'medium' as const,
        sourceSegmentIds: [segment.id],
        intent: INTENT_BY_VERB[verb] ?? ('task' as const),
        intentMetadata: emptyIntentMetadata(),
      },
    ];
  });
  const partyUnclear = { overall: 'unclear' as const, score: null, notes: null };
  const partyTone = { overall: null, descriptors: [], notes: null };
  return {
    callType: 'unknown',
    suggestedTitle: null,
    oneLineSummary: opening ? truncate(opening, 160) : null,
    executiveSummary: opening || null,
    executiveSummaryBullets: [],
    conversationOutcome: null,
    sections: segments.length
      ? [{ id: 'sec_001', title: 'Conversation', type: 'topic', summary: null, items: segments.slice(0, 5).map((segment) => ({ text: redact(segment.text), importance: 'medium' as const, speaker: null, sourceSegmentIds: [segment.id] })) }]
      : [],
    keyDiscussionPoints: [],
    actionItems,
    nextSteps: [],
    importantDates: [],
    decisions: [],
    commitments: actionItems.map((item) => ({ text: item.title, ownerSpeakerId: item.ownerSpeakerId, sourceSegmentIds: item.sourceSegmentIds })),
    openQuestions: [],
    risks: [],
    opportunities: [],
    peopleMentioned: [],
    numbersAndAmounts: [],
    sentiment: { overall: 'unclear', score: 0, reason: null, userSentiment: partyUnclear, contactSentiment: partyUnclear, progression: [], emotionalSignals: [] },
    tone: { overall: null, descriptors: [], formality: null, energy: null, pace: null, notes: null, byParty: { userTone: partyTone, contactTone: partyTone } },
    tags: [],
    qualityWarnings: ['sandbox_analysis'],
  };
}

function emptyIntentMetadata(): AnalysisOutput['actionItems'][number]['intentMetadata'] {
  return {
    providerHint: null,
    attendees: null,
    proposedAt: null,
    durationMinutes: null,
    title: null,
    location: null,
    toEmail: null,
    toName: null,
    subject: null,
    bodyPreview: null,
    phoneNumber: null,
    contactName: null,
    channel: null,
    handle: null,
    remindAt: null,
    notes: null,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).trim();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
