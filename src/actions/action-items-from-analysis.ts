import type { AnalysisDocument } from '../analysis/analysis-schema.ts';
import type { AnalysisTranscript } from '../analysis/analysis-input.ts';

/** One AI action-item row, ready for delete-then-insert. */
export interface ActionItemDraft {
  title: string;
  description: string | null;
  dueDate: string | null;
  priority: 'LOW' | 'MEDIUM' | 'HIGH' | null;
  intent: string | null;
  intentMetadata: Record<string, unknown> | null;
  ownerSpeakerId: string | null;
  ownerSpeakerLabel: string | null;
  ownerDisplayName: string | null;
  ownerRole: 'USER' | 'CONTACT' | 'UNKNOWN' | null;
  sourceSegmentIds: string[];
  sourceText: string;
}

const SOURCE_TEXT_CHARS = 200;

export function actionItemRowsFromAnalysis(
  analysis: AnalysisDocument,
  transcript: AnalysisTranscript,
): ActionItemDraft[] {
  const segmentText = new Map(transcript.segments.map((segment) => [segment.id, segment.text]));
  return (analysis.actionItems ?? [])
    .filter((item) => typeof item.title === 'string' && item.title.trim() !== '')
    .map((item) => {
      const priority = item.priority ? (item.priority.toUpperCase() as ActionItemDraft['priority']) : null;
      const sourceSegmentIds = item.sourceSegmentIds ?? [];
      const quoted = sourceSegmentIds
        .map((id) => segmentText.get(id))
        .filter(Boolean)
        .join(' ');
      return {
        title: item.title.trim(),
        description: item.description?.trim() || null,
        dueDate: validDate(item.dueDate),
        priority,
        intent: item.intent === 'none' ? null : (item.intent ?? null),
        intentMetadata: nonEmpty(item.intentMetadata),
        ownerSpeakerId: item.ownerSpeakerId ?? null,
        ownerSpeakerLabel: item.ownerSpeakerLabel ?? null,
        ownerDisplayName: item.ownerDisplayName ?? null,
        ownerRole: item.ownerRole ?? null,
        sourceSegmentIds,
        // A forensic trace of where the item came from, as the original stored it.
        sourceText:
          `priority=${item.priority ?? 'none'}; segments=${sourceSegmentIds.join(',')}; ` +
          `text="${truncate(quoted, SOURCE_TEXT_CHARS)}"`,
      };
    });
}

/** Only real calendar dates survive: `2026-02-30` or "next Friday" become null. */
function validDate(value: string | null | undefined): string | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? value : null;
}

function nonEmpty(metadata: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!metadata) return null;
  const kept = Object.fromEntries(
    Object.entries(metadata).filter(
      ([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0),
    ),
  );
  return Object.keys(kept).length > 0 ? kept : null;
}

function truncate(text: string, max: number): string {
  const clean = text.replace(/"/g, "'").replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
