import { AppError } from '../errors/app-error.ts';
import { isUuid } from '../ids/uuid.ts';
import { isStorableInstant } from '../time/storable-time.ts';

export interface CallCursor {
  createdAt: string;
  /** Tie-breaker among calls created in the same millisecond; absent in legacy cursors. */
  id?: string;
}

/** Opaque to clients; base64 of `{"createdAt","id"}`, as in the documented example. */
export function encodeCursor(cursor: CallCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(raw: string): CallCursor {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<CallCursor>;
    const createdAt = typeof parsed.createdAt === 'string' ? new Date(parsed.createdAt) : undefined;
    const idOk = parsed.id === undefined || (typeof parsed.id === 'string' && isUuid(parsed.id));
    if (createdAt && isStorableInstant(createdAt) && idOk) {
      return { createdAt: createdAt.toISOString(), ...(parsed.id ? { id: parsed.id } : {}) };
    }
  } catch {
    // fall through to the documented 400
  }
  throw new AppError('validation_failed', 'Invalid cursor', { fields: { cursor: 'not a cursor returned by this API' } });
}
