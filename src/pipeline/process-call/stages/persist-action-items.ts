import { actionItemRowsFromAnalysis } from '../../../actions/action-items-from-analysis.ts';
import type { AnalysisDocument } from '../../../analysis/analysis-schema.ts';
import type { TranscriptDocument } from '../../../transcripts/transcript-document.ts';
import { runStage, type StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../call-runs.ts';

/**
 * Soft stage: the analysis's action items become the call's AI items
 * (replaced, so a retry or reanalysis never duplicates; the user's manual
 * items stay). A failure is logged; transcript and analysis are still served.
 */
export async function persistActionItems(deps: StageDeps, input: CallWorkflowInput): Promise<void> {
  try {
    await runStage(deps, input, 'ACTION_ITEMS_EXTRACTED', null, async () => {
      const analysis = await deps.artifacts.readJson<AnalysisDocument>(input.callId, 'ANALYSIS_JSON');
      const transcript = await deps.artifacts.readJson<TranscriptDocument>(input.callId, 'NORMALIZED_TRANSCRIPT_JSON');
      if (!analysis || !transcript) return;
      await deps.actions.replaceAiItems(input, actionItemRowsFromAnalysis(analysis, transcript));
    });
  } catch (error) {
    deps.logger.warn(
      { callId: input.callId, err: error },
      'action items not persisted; transcript and analysis are still served',
    );
  }
}
