import { randomUUID } from 'node:crypto';
import { actionItemRowsFromAnalysis } from '../../actions/action-items-from-analysis.ts';
import type { AnalysisDocument } from '../../analysis/analysis-schema.ts';
import type { TranscriptDocument } from '../../transcripts/transcript-document.ts';
import { runStage, type StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../workflow-ids.ts';

/**
 * Soft stage: the analysis's action items become rows. Delete-then-insert of
 * the AI items in one transaction makes it idempotent (a retry or reanalysis
 * never duplicates) and keeps the user's manual items.
 */
export async function persistActionItems(deps: StageDeps, input: CallWorkflowInput): Promise<void> {
  try {
    await runStage(deps, input, 'ACTION_ITEMS_EXTRACTED', null, async () => {
      const analysis = await deps.artifacts.readJson<AnalysisDocument>(input.callId, 'ANALYSIS_JSON');
      const transcript = await deps.artifacts.readJson<TranscriptDocument>(input.callId, 'NORMALIZED_TRANSCRIPT_JSON');
      if (!analysis || !transcript) return;
      const rows = actionItemRowsFromAnalysis(analysis, transcript);
      await deps.fork().transactional(async (tx) => {
        const connection = tx.getConnection();
        const context = tx.getTransactionContext();
        await connection.execute(`delete from action_items where call_record_id = ? and source = 'AI'`, [input.callId], 'run', context);
        for (const row of rows) {
          await connection.execute(
            `insert into action_items (id, user_id, call_record_id, title, description, due_date, status, priority, source, intent, intent_metadata_json,
               owner_speaker_id, owner_speaker_label, owner_display_name, owner_role, source_segment_ids_json, source_text, created_at, updated_at)
             select ?, c.user_id, c.id, ?, ?, ?, 'OPEN', ?, 'AI', ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb, ?, now(), now() from call_records c where c.id = ?`,
            [
              randomUUID(),
              row.title,
              row.description,
              row.dueDate,
              row.priority,
              row.intent,
              row.intentMetadata ? JSON.stringify(row.intentMetadata) : null,
              row.ownerSpeakerId,
              row.ownerSpeakerLabel,
              row.ownerDisplayName,
              row.ownerRole,
              JSON.stringify(row.sourceSegmentIds),
              row.sourceText,
              input.callId,
            ],
            'run',
            context,
          );
        }
      });
    });
  } catch (error) {
    deps.logger.warn({ callId: input.callId, err: error }, 'action items not persisted; transcript and analysis are still served');
  }
}
