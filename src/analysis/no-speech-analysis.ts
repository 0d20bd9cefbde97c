import type { AnalysisOutput } from './analysis-schema.ts';
import { emptyFindings } from './empty-analysis.ts';

export const NO_SPEECH_SUMMARY = 'No speech was heard in this recording.';

const NONE = { value: false, rationale: null, sourceSegmentIds: [] };
const PARTY_UNCLEAR = { overall: 'unclear' as const, score: null, notes: null };
const PARTY_TONE_UNKNOWN = { overall: null, descriptors: [], notes: null };

/**
 * The analysis of a call in which nobody spoke, written without asking the
 * LLM (nothing to pay for, nothing it could ground): it says so, and has no
 * action items, decisions or people. `no_speech` in qualityWarnings marks it
 * for code.
 */
export function noSpeechAnalysis(): AnalysisOutput {
  return {
    callType: 'unknown',
    suggestedTitle: 'No speech',
    oneLineSummary: NO_SPEECH_SUMMARY,
    executiveSummary: `${NO_SPEECH_SUMMARY} The audio is silent or too quiet to transcribe: nothing to summarise.`,
    ...emptyFindings(),
    conversationOutcome: null,
    sentiment: {
      overall: 'unclear',
      score: 0,
      reason: null,
      userSentiment: PARTY_UNCLEAR,
      contactSentiment: PARTY_UNCLEAR,
      progression: [],
      emotionalSignals: [],
    },
    tone: {
      overall: null,
      descriptors: [],
      formality: null,
      energy: null,
      pace: null,
      notes: null,
      byParty: { userTone: PARTY_TONE_UNKNOWN, contactTone: PARTY_TONE_UNKNOWN },
    },
    tags: [],
    qualityWarnings: ['no_speech'],
    outcome: { result: 'unclear', rationale: null, sourceSegmentIds: [] },
    followUpRequired: NONE,
    escalationRequired: NONE,
  };
}
