import type { AnalysisDocument } from '../../../analysis/analysis-schema.ts';
import { CallGoneError } from '../../../calls/call-gone-error.ts';
import { actionItemText } from '../../../search/search-index.ts';
import type { TranscriptDocument } from '../../../transcripts/transcript-document.ts';
import type { StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../call-runs.ts';

/**
 * Soft step after the action items: the call's transcript, what it was filed
 * under, its summaries and items become findable, replacing what an earlier
 * run indexed, and its sentiment and outcome filterable in the list. A failure is
 * logged; the call is still served, only not found by search until a
 * reanalysis indexes it again.
 */
export async function indexForSearch(deps: StageDeps, input: CallWorkflowInput): Promise<void> {
  try {
    const transcript = await deps.artifacts.readJson<TranscriptDocument>(input.callId, 'NORMALIZED_TRANSCRIPT_JSON');
    if (!transcript) return;
    const [facts, analysis, [items = []]] = await Promise.all([
      deps.calls.facts(input),
      deps.artifacts.readJson<AnalysisDocument>(input.callId, 'ANALYSIS_JSON'),
      deps.actions.forCalls(input.userId, [input.callId]),
    ]);
    // Analyses before schemaVersion 4 have no outcome.
    await deps.calls.noteJudgements(input, {
      sentiment: analysis?.sentiment?.overall ?? null,
      outcome: analysis?.outcome?.result ?? null,
    });
    await deps.search.indexCall(input, {
      transcript,
      facts,
      summaries: analysis ? [analysis.oneLineSummary, analysis.executiveSummary] : [],
      actionItems: items.map(actionItemText),
    });
  } catch (error) {
    if (error instanceof CallGoneError) return;
    deps.logger.warn({ callId: input.callId, err: error }, 'call not indexed for search; it is still served');
  }
}
