import type { Em } from '../../db/orm.ts';
import type { CallDirection } from '../call-record.entity.ts';

/** A call's row written on submission, and taken back when the submission fails before its workflow starts. */

export interface NewCallRecord {
  id: string;
  userId: string;
  title: string | null;
  contactName: string | null;
  contactId: string | null;
  phoneNumber: string | null;
  organization: string | null;
  direction: CallDirection;
  recordedAt: Date;
  durationSeconds: number | null;
  audioFormat: string;
  audioByteSize: number;
  workflowId: string;
  createdAt: Date;
}

/** A new call, QUEUED; created_at = updated_at marks that nothing has touched it since. */
export async function insertQueuedCall(em: Em, call: NewCallRecord): Promise<void> {
  await em.execute(
    `insert into call_records
       (id, user_id, title, contact_name, contact_id, phone_number, organization, direction, recorded_at,
       duration_seconds, status, audio_format, audio_byte_size, workflow_id, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?, ?, ?)`,
    [
      call.id,
      call.userId,
      call.title,
      call.contactName,
      call.contactId,
      call.phoneNumber,
      call.organization,
      call.direction,
      call.recordedAt,
      call.durationSeconds,
      call.audioFormat,
      call.audioByteSize,
      call.workflowId,
      call.createdAt,
      call.createdAt,
    ],
  );
}

export async function deleteCallRecord(em: Em, callId: string): Promise<void> {
  await em.execute('delete from call_records where id = ?', [callId]);
}
