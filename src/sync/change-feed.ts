import { actionSummariesOf } from '../actions/action-item-queries.ts';
import type { ActionsService } from '../actions/actions-service.ts';
import { ownedCallRows } from '../calls/call-record-queries.ts';
import { toCallSummary } from '../calls/call-views.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors/app-error.ts';
import type { OpaqueTokens } from '../ids/opaque-token.ts';
import { changesAfter, currentPosition, type ChangeRow, type LogPosition } from './change-log-queries.ts';
import type { Change, ChangePage, ChangesInput } from './change-schemas.ts';

/** How long a change, a tombstone included, stays in the log, and so how long a token stays good. */
export const CHANGE_RETENTION_DAYS = 30;
const RETENTION_MS = CHANGE_RETENTION_DAYS * 86_400_000;

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
 */
export async function changesSince(
  deps: ChangeFeedDeps,
  userId: string,
  input: ChangesInput,
  now = Date.now(),
): Promise<ChangePage> {
  if (!input.since) {
    return { changes: [], nextToken: encodeToken(deps.tokens, await currentPosition(deps.em), now), hasMore: false };
  }
  const after = decodeToken(deps.tokens, input.since, now);
  const { rows, horizon } = await changesAfter(deps.em, userId, after, input.limit + 1);
  const page = rows.slice(0, input.limit);
  const hasMore = rows.length > input.limit;
  const last = page.at(-1) ?? after;
  // With nothing more to read, the position moves up to the horizon: the next read starts from there.
  const next = hasMore || BigInt(last.txid) >= BigInt(horizon) ? last : { txid: horizon, seq: 0 };
  const changes = await withStates(deps, userId, lastOfEach(page));
  return { changes, nextToken: encodeToken(deps.tokens, next, now), hasMore };
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

/** The largest xid8: a transaction id beyond it cannot reach SQL (PGlite fails, PostgreSQL clamps). */
const MAX_XID8 = 2n ** 64n - 1n;

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
  return typeof value === 'string' && /^\d{1,20}$/.test(value) && BigInt(value) <= MAX_XID8;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
