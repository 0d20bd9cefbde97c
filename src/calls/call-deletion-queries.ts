import type { Em } from '../db/orm.ts';
import type { CallRef } from './pipeline-port.ts';

/**
 * Every statement on `call_deletions`, the clean-up outbox of deleted calls,
 * and no other file issues one. SQL: notes are written in batches inside the
 * delete's own transaction and read by a keyset sweep; no entity is ever
 * loaded or changed.
 */

/** A deleted call's note: the ids its clean-up needs. */
export type DeletionNote = CallRef;

/** Two parameters a row, well inside PostgreSQL's 65535 bind parameters. */
const NOTES_PER_STATEMENT = 1_000;

/** Inside the caller's transaction: a note per call deleted with it; noting a call twice is harmless. */
export async function insertDeletionNotes(em: Em, notes: readonly DeletionNote[]): Promise<void> {
  for (let start = 0; start < notes.length; start += NOTES_PER_STATEMENT) {
    const batch = notes.slice(start, start + NOTES_PER_STATEMENT);
    const values = batch.map(() => '(?, ?, now())').join(', ');
    await em.execute(
      `insert into call_deletions (call_id, user_id, requested_at) values ${values} on conflict (call_id) do nothing`,
      batch.flatMap((note) => [note.callId, note.userId]),
    );
  }
}

export async function deleteDeletionNote(em: Em, callId: string): Promise<void> {
  await em.execute('delete from call_deletions where call_id = ?', [callId]);
}

/** A page, by call id, of notes older than `graceSeconds`; `after` is the last id of the page before. */
export async function deletionNotesPage(
  em: Em,
  page: { graceSeconds: number; after: string | undefined; limit: number },
): Promise<DeletionNote[]> {
  const rows = await em.execute<{ call_id: string; user_id: string }[]>(
    `select call_id, user_id from call_deletions
      where requested_at < now() - (? * interval '1 second') ${page.after ? 'and call_id > ?' : ''}
      order by call_id limit ?`,
    [page.graceSeconds, ...(page.after ? [page.after] : []), page.limit],
  );
  return rows.map((row) => ({ callId: row.call_id, userId: row.user_id }));
}
