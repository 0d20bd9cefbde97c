import { actionSummariesOf } from '../actions/action-item-queries.ts';
import type { ActionsService } from '../actions/actions-service.ts';
import { ownedCallRows } from '../calls/records/owned-calls.ts';
import { toCallSummary } from '../calls/call-views.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors/app-error.ts';
import { logHorizon, readEvents } from '../events/call-event-queries.ts';
import {
  CALL_EVENT_RETENTION_DAYS,
  isAfter,
  positionOfEventId,
  type CallEvent,
  type LogPosition,
} from '../events/call-events.ts';
import type { OpaqueTokens } from '../ids/opaque-token.ts';
import type { CHANGE_OPS, Change, ChangeEntity, ChangePage, ChangesInput } from './change-schemas.ts';

/** A token is good as long as the events after it are kept. */
const RETENTION_MS = CALL_EVENT_RETENTION_DAYS * 86_400_000;

/** What the feed reads of the call event log: every change of a call's or an item's row (not stage progress). */
const CHANGE_KINDS = [
  'call.status',
  'call.updated',
  'call.deleted',
  'action_item.created',
  'action_item.updated',
  'action_item.deleted',
] as const satisfies readonly CallEvent['kind'][];

interface ChangeRow {
  entity: ChangeEntity;
  entityId: string;
  op: (typeof CHANGE_OPS)[number];
  changedAt: Date;
}

export interface ChangeFeedDeps {
  em: Em;
  actions: Pick<ActionsService, 'withIds'>;
  tokens: OpaqueTokens;
}

/**
 * What changed in a user's calls and action items since a token, in order,
 * each entity once at its last change in the page, with its current state (a
 * deleted one as a tombstone), and the token to ask with next. Without a
 * token, the feed's position now: take it, then list, then follow the feed.
 * A projection of the call event log: a page holds at most `limit` changes,
 * except that an item's change always comes with its call's.
 */
export async function changesSince(
  deps: ChangeFeedDeps,
  userId: string,
  input: ChangesInput,
  now = Date.now(),
): Promise<ChangePage> {
  if (!input.since) {
    return { changes: [], nextToken: encodeToken(deps.tokens, await logHorizon(deps.em), now), hasMore: false };
  }
  const after = decodeToken(deps.tokens, input.since, now);
  const range = { after, limit: input.limit + 1 };
  const { events, horizon } = await readEvents(deps.em, { userId, kinds: CHANGE_KINDS }, range);
  const page: ChangeRow[] = [];
  let last: LogPosition = after;
  let read = 0;
  for (const event of events) {
    const changes = changesOf(event);
    if (read > 0 && page.length + changes.length > input.limit) break;
    page.push(...changes);
    last = event;
    read += 1;
  }
  const hasMore = read < events.length;
  // With nothing more to read, the position moves up to the horizon: the next read starts from there.
  const next = hasMore || !isAfter(horizon, last) ? last : horizon;
  const changes = await withStates(deps, userId, lastOfEach(page));
  return { changes, nextToken: encodeToken(deps.tokens, next, now), hasMore };
}

/**
 * The entities an event changed: an item's change changes its
 * call as the list shows it too (its count, its first title).
 */
function changesOf(event: CallEvent): ChangeRow[] {
  const changedAt = event.occurredAt;
  const call: ChangeRow = { entity: 'call', entityId: event.callId, op: 'upsert', changedAt };
  switch (event.kind) {
    case 'call.deleted':
      return [{ ...call, op: 'delete' }];
    case 'action_item.created':
    case 'action_item.updated':
    case 'action_item.deleted': {
      const op = event.kind === 'action_item.deleted' ? 'delete' : 'upsert';
      return [{ entity: 'action_item', entityId: event.data.id, op, changedAt }, call];
    }
    default:
      return [call];
  }
}

function lastOfEach(rows: ChangeRow[]): ChangeRow[] {
  const last = new Map(rows.map((row, index) => [`${row.entity}:${row.entityId}`, index]));
  return rows.filter((row, index) => last.get(`${row.entity}:${row.entityId}`) === index);
}

/** Each upsert with the entity as it is now; one gone meanwhile is a tombstone already (its delete follows). */
async function withStates(deps: ChangeFeedDeps, userId: string, rows: ChangeRow[]): Promise<Change[]> {
  const idsOf = (entity: ChangeRow['entity']) =>
    rows.filter((row) => row.entity === entity && row.op === 'upsert').map((row) => row.entityId);
  const callIds = idsOf('call');
  const [callRows, summaries, items] = await Promise.all([
    ownedCallRows(deps.em, userId, callIds),
    actionSummariesOf(deps.em, callIds),
    deps.actions.withIds(userId, idsOf('action_item')),
  ]);
  const calls = new Map(callRows.map((row) => [row.id, toCallSummary(row, summaries.get(row.id))]));
  const actionItems = new Map(items.map((item) => [item.id, item]));
  return rows.map((row): Change => {
    const base = { entity: row.entity, id: row.entityId, changedAt: row.changedAt.toISOString() };
    const call = row.op === 'upsert' && row.entity === 'call' ? calls.get(row.entityId) : undefined;
    const actionItem = row.op === 'upsert' && row.entity === 'action_item' ? actionItems.get(row.entityId) : undefined;
    if (call) return { ...base, op: 'upsert', call };
    if (actionItem) return { ...base, op: 'upsert', actionItem };
    return { ...base, op: 'delete' };
  });
}

/** The position and when it was issued, so an expired token is told apart; sealed, so neither can be forged or read. */
function encodeToken(tokens: OpaqueTokens, position: LogPosition, now: number): string {
  return tokens.seal('changes.token', { t: position.txid, s: position.seq, at: now });
}

function decodeToken(tokens: OpaqueTokens, raw: string, now: number): LogPosition {
  const { t, s, at } = tokens.open('changes.token', raw);
  // Bounded even though sealed: every value here reaches SQL or decides the 410.
  if (!isTxid(t) || !isCount(s) || !isCount(at) || at > now + 60_000) {
    throw new AppError('validation_failed', 'Invalid sync token', {
      fields: { since: 'not a token returned by this feed' },
    });
  }
  // Changes older than the retention are pruned: a token that old could skip some.
  if (now - at > RETENTION_MS) throw new AppError('sync_token_expired');
  return { txid: t, seq: s };
}

function isTxid(value: unknown): value is string {
  return typeof value === 'string' && positionOfEventId(`${value}.0`) !== undefined;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
