import { ApplicationFailure } from '@temporalio/activity';
import { ANALYSIS_RESPONSE_FORMAT } from '../../../analysis/analysis-schema.ts';
import { buildAnalysisPrompt } from '../../../analysis/analysis-prompt.ts';
import { AnalysisOutputInvalidError, groundAnalysis } from '../../../analysis/ground-analysis.ts';
import type { TranscriptDocument } from '../../../transcripts/transcript-document.ts';
import { recordSkipped, runStage, type StageDeps } from '../stage-context.ts';
import { noSpeechAnalysis } from '../../../analysis/no-speech-analysis.ts';
import type { CallWorkflowInput } from '../call-runs.ts';

/**
 * Hard stage: one structured-output request to the LLM with the
 * post-resolution transcript (no phone numbers, emails or contact metadata),
 * then a grounding pass so nothing the transcript does not support is stored.
 * With `reuseStored` a stored analysis is kept (a retry never pays twice);
 * reanalysis passes false to overwrite it.
 */
export async function analyzeTranscript(
  deps: StageDeps,
  input: CallWorkflowInput,
  options: { reuseStored: boolean },
): Promise<void> {
  if (options.reuseStored && (await deps.artifacts.find(input.callId, 'ANALYSIS_JSON'))) return;
  const call = await deps.calls.facts(input);
  const transcript = await deps.artifacts.readJson<TranscriptDocument>(input.callId, 'NORMALIZED_TRANSCRIPT_JSON');
  if (!transcript) throw ApplicationFailure.nonRetryable('the call has no stored transcript', 'transcript_missing');
  if (transcript.segments.length === 0) return storeNoSpeechAnalysis(deps, input, transcript);
  const prompt = buildAnalysisPrompt({
    call: {
      callId: input.callId,
      recordedAt: call.recordedAt.toISOString(),
      durationSeconds: transcript.durationSeconds ?? call.durationSeconds,
      title: call.title ?? undefined,
    },
    transcript,
  });
  const analysis = await runStage(deps, input, 'ANALYZED', deps.analysis.provider, async (signal, progress) => {
    const { content, usage } = await deps.analysis.complete(prompt, ANALYSIS_RESPONSE_FORMAT, signal);
    // Billed even when the answer is then refused: the model produced it.
    if (usage) progress.billed(usage);
    try {
      return groundAnalysis(parseJson(content), transcript).analysis;
    } catch (error) {
      if (error instanceof AnalysisOutputInvalidError || error instanceof SyntaxError) {
        // Retryable: a model may answer well on the next try; the workflow bounds the tries.
        throw ApplicationFailure.retryable('the model returned an invalid analysis', 'analysis_invalid_output');
      }
      throw error;
    }
  });
  await deps.artifacts.writeJson(input, 'ANALYSIS_JSON', JSON.stringify(analysis));
}

/** Nobody spoke: the analysis says so, and the LLM is neither asked nor paid (decision in docs/decisions.md). */
async function storeNoSpeechAnalysis(deps: StageDeps, input: CallWorkflowInput, transcript: TranscriptDocument) {
  await recordSkipped(deps, input, 'ANALYZED', 'no_speech');
  const { analysis } = groundAnalysis(noSpeechAnalysis(), transcript);
  await deps.artifacts.writeJson(input, 'ANALYSIS_JSON', JSON.stringify(analysis));
}

function parseJson(content: string): unknown {
  return JSON.parse(content) as unknown;
}
