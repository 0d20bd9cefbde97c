import type { CallDetail, CallSummary } from './call-schemas.ts';
import type { CallDirection, CallStatus } from './call-record.entity.ts';

/** A call_records row as its queries read it (snake_case straight from SQL). */
export interface CallRow {
  id: string;
  title: string | null;
  contact_name: string | null;
  phone_number?: string | null;
  direction: CallDirection;
  status: CallStatus;
  duration_seconds: number | null;
  recorded_at?: Date | string;
  created_at: Date | string;
  error_reason?: string | null;
}

/** The columns a CallRow is read from, by the call's own reads and by the call history's list. */
export const CALL_ROW_COLUMNS =
  'id, title, contact_name, phone_number, direction, status, duration_seconds, recorded_at, created_at, error_reason';

/** What the list shows of a call's action items (dismissed ones left out). */
export interface CallActionSummary {
  count: number;
  firstTitle: string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** No meaningful value → the key is omitted (the contract's compact rule). */
function present<T>(value: T | null | undefined): T | undefined {
  return value === null || value === undefined ? undefined : value;
}

export function toCallSummary(row: CallRow, actions: CallActionSummary | undefined): CallSummary {
  return compact({
    callId: row.id,
    title: present(row.title),
    contactName: present(row.contact_name),
    direction: row.direction,
    status: row.status,
    durationSeconds: present(row.duration_seconds),
    createdAt: iso(row.created_at),
    actionItemCount: actions?.count ?? 0,
    firstActionTitle: actions?.firstTitle ?? null,
  });
}

export function toCallDetail(row: CallRow): CallDetail {
  return compact({
    callId: row.id,
    title: present(row.title),
    status: row.status,
    direction: row.direction,
    contactName: present(row.contact_name),
    phoneNumber: present(row.phone_number),
    durationSeconds: present(row.duration_seconds),
    recordedAt: iso(row.recorded_at ?? row.created_at),
    createdAt: iso(row.created_at),
    errorReason: row.error_reason ?? null,
  });
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
