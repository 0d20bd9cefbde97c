import type { AnalysisOutput } from './analysis-schema.ts';
import { emptyFindings, unclearSentiment, unknownTone } from './empty-analysis.ts';

export const NO_SPEECH_SUMMARY = 'No speech was heard in this recording.';

const NONE = { value: false, rationale: null, sourceSegmentIds: [] };

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
    sentiment: unclearSentiment(),
    tone: unknownTone(),
    tags: [],
    qualityWarnings: ['no_speech'],
    outcome: { result: 'unclear', rationale: null, sourceSegmentIds: [] },
    followUpRequired: NONE,
    escalationRequired: NONE,
  };
}
