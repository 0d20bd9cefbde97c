import { randomUUID } from 'node:crypto';
import { insertQueuedCall, type NewCallRecord } from '../../src/calls/records/call-intake.ts';
import type { TestApp } from './test-app.ts';

/**
 * A QUEUED call row as an upload would have written it, for suites that need
 * many calls and no audio: every field not given takes a plain default
 * (recorded now, created when recorded). Returns the call's id.
 */
export async function seedCall(
  scryon: TestApp,
  call: Pick<NewCallRecord, 'userId'> & Partial<NewCallRecord>,
): Promise<string> {
  const id = call.id ?? randomUUID();
  const recordedAt = call.recordedAt ?? new Date();
  await insertQueuedCall(scryon.app.orm.em.fork(), {
    title: null,
    contactName: null,
    contactId: null,
    phoneNumber: null,
    organization: null,
    direction: 'UNKNOWN',
    durationSeconds: null,
    audioFormat: 'wav',
    audioByteSize: 1,
    workflowId: `call-${id}`,
    createdAt: recordedAt,
    ...call,
    id,
    recordedAt,
  });
  return id;
}
