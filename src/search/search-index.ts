import type { Em } from '../db/orm.ts';
import type { TranscriptDocument } from '../transcripts/transcript-document.ts';
import {
  replaceCallEntries,
  upsertActionItemEntry,
  type ActionItemText,
  type IndexedCall,
  type SearchEntry,
} from './search-entry-queries.ts';
import { searchConfigOf } from './search-languages.ts';

/** What of a call can be found: its words, what it was filed under, what the analysis and its items say. */
export interface FindableCall {
  transcript: Pick<TranscriptDocument, 'language' | 'segments'>;
  facts: {
    title: string | null;
    contactName: string | null;
    phoneNumber: string | null;
    organization: string | null;
    recordedAt: Date;
  };
  /** The analysis's one-line and executive summaries, when there is an analysis. */
  summaries: readonly (string | null)[];
  actionItems: readonly ActionItemText[];
}

/**
 * Indexes the whole call, replacing what was indexed before: the pipeline's
 * last stage, and a reanalysis's. False when the call is gone (nothing is left).
 */
export async function indexCall(
  em: Em,
  ref: { callId: string; userId: string },
  findable: FindableCall,
): Promise<boolean> {
  const call: IndexedCall = { ...ref, recordedAt: findable.facts.recordedAt };
  const indexed = await replaceCallEntries(em, call, searchConfigOf(findable.transcript.language), entriesOf(findable));
  if (!indexed) return false;
  for (const item of findable.actionItems) await upsertActionItemEntry(em, call, item);
  return true;
}

/** The words of an action item as search finds them: its title and description. */
export function actionItemText(item: {
  id: string;
  title: string;
  description?: string | null | undefined;
}): ActionItemText {
  return { id: item.id, body: [item.title, item.description].filter(Boolean).join('\n') };
}

function entriesOf(findable: FindableCall): SearchEntry[] {
  const { facts } = findable;
  const filedUnder = [facts.title, facts.contactName, facts.phoneNumber, facts.organization].filter(Boolean).join('\n');
  const summary = findable.summaries.filter(Boolean).join('\n');
  const segments = findable.transcript.segments
    .filter((segment) => segment.text.trim())
    .map(
      (segment): SearchEntry => ({
        source: 'SEGMENT',
        body: segment.text,
        segmentId: segment.id,
        startSeconds: segment.startSeconds,
        speakerRole: segment.role,
        speakerName: segment.speakerDisplayName,
      }),
    );
  return [
    ...(filedUnder ? [{ source: 'CALL' as const, body: filedUnder }] : []),
    ...(summary ? [{ source: 'SUMMARY' as const, body: summary }] : []),
    ...segments,
  ];
}
