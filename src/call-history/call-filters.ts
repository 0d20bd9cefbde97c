import type { Outcome, Sentiment } from '../analysis/analysis-schema.ts';
import type { CallCursor } from '../calls/call-cursor.ts';
import type { CallDirection, CallStatus } from '../calls/call-record.entity.ts';
import type { CallSort } from '../calls/call-schemas.ts';

/** What narrows a user's list: every field optional, all of them applied together. */
export interface CallFilters {
  statuses?: readonly CallStatus[] | undefined;
  direction?: CallDirection | undefined;
  /** recordedAt in [from, to). */
  from?: string | undefined;
  to?: string | undefined;
  /** Part of the contact's name (any case) or phone number. */
  contact?: string | undefined;
  sentiments?: readonly Sentiment[] | undefined;
  outcomes?: readonly Outcome[] | undefined;
  /** Calls with (true) or without (false) an open item (OPEN or IN_PROGRESS). */
  openActions?: boolean | undefined;
  /** Calls with a search entry matching this tsquery (the list's `q`, as searchQueryOf folds it). */
  found?: string | undefined;
}

export interface CallPageQuery extends CallFilters {
  sort: CallSort;
  /** Keyset position: rows strictly after it in the sort's order, id breaking ties. */
  after?: CallCursor | undefined;
  limit: number;
}
