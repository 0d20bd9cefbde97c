import { randomUUID } from 'node:crypto';
import type { CallRef } from '../calls/pipeline-port.ts';
import type { CallActionSummary } from '../calls/call-views.ts';
import type { Em } from '../db/orm.ts';
import { isForeignKeyViolation } from '../db/sql-errors.ts';
import { ActionItem } from './action-item.entity.ts';
import type { ActionItemDraft } from './action-items-from-analysis.ts';
import type { ActionItemCreate } from './action-item-schemas.ts';

/**
 * Every write of `action_items`, and no other file issues one; the call
 * history reads the items for its list, summary and stats. The ORM's entity
 * manager for the items a user edits (load, change, flush: the unit of work
 * keeps updated_at and completed_at honest), SQL for the per-call summary,
 * which would otherwise load every row to count them.
 */

const NEWEST_FIRST = { createdAt: 'desc', id: 'desc' } as const;
const OLDEST_FIRST = { createdAt: 'asc', id: 'asc' } as const;

/** Another user's item reads exactly like a missing one. */
export function ownedItemRow(em: Em, userId: string, id: string): Promise<ActionItem | null> {
  return em.findOne(ActionItem, { id, user: userId });
}

export function itemsOfUser(em: Em, userId: string): Promise<ActionItem[]> {
  return em.find(ActionItem, { user: userId }, { orderBy: NEWEST_FIRST });
}

/** Those of `ids` that are the user's items. */
export function itemsWithIds(em: Em, userId: string, ids: readonly string[]): Promise<ActionItem[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return em.find(ActionItem, { user: userId, id: { $in: [...ids] } });
}

/** Every item of the given calls in one query, oldest first. */
export function itemsOfCalls(em: Em, userId: string, callIds: readonly string[]): Promise<ActionItem[]> {
  if (callIds.length === 0) return Promise.resolve([]);
  return em.find(ActionItem, { user: userId, callRecord: { $in: [...callIds] } }, { orderBy: OLDEST_FIRST });
}

export async function insertManualItem(
  em: Em,
  userId: string,
  callId: string,
  input: ActionItemCreate,
): Promise<ActionItem> {
  const item = em.create(ActionItem, {
    id: randomUUID(),
    user: userId,
    callRecord: callId,
    title: input.title,
    description: input.description ?? null,
    dueDate: input.dueDate ?? null,
    priority: input.priority ?? null,
    status: 'OPEN',
    source: 'MANUAL',
    sourceSegmentIds: [],
  });
  await em.flush();
  return item;
}

/** The caller's changes to loaded items, written. */
export async function saveItems(em: Em): Promise<void> {
  await em.flush();
}

export async function removeItem(em: Em, item: ActionItem): Promise<void> {
  em.remove(item);
  await em.flush();
}

/**
 * The call's AI items become `drafts`, in one transaction: delete-then-insert
 * makes a retry or a reanalysis idempotent and keeps the user's manual items.
 * False when the call was deleted meanwhile (its row is gone, so nothing is written).
 */
export async function replaceAiItems(em: Em, call: CallRef, drafts: readonly ActionItemDraft[]): Promise<boolean> {
  try {
    await em.transactional(async (tx) => {
      await tx.nativeDelete(ActionItem, { callRecord: call.callId, source: 'AI' });
      for (const draft of drafts) {
        tx.create(ActionItem, {
          id: randomUUID(),
          user: call.userId,
          callRecord: call.callId,
          status: 'OPEN',
          source: 'AI',
          ...draft,
        });
      }
    });
    return true;
  } catch (error) {
    if (isForeignKeyViolation(error)) return false;
    throw error;
  }
}

/** Per call of `callIds` that has any: how many items are not dismissed, and the first one's title. */
export async function actionSummariesOf(em: Em, callIds: readonly string[]): Promise<Map<string, CallActionSummary>> {
  if (callIds.length === 0) return new Map();
  const rows = await em.execute<{ call_record_id: string; item_count: string; first_title: string }[]>(
    `select call_record_id, count(*) as item_count, (array_agg(title order by created_at, id))[1] as first_title
       from action_items
      where call_record_id in (?) and status <> 'DISMISSED'
      group by call_record_id`,
    [[...callIds]],
  );
  return new Map(
    rows.map((row) => [row.call_record_id, { count: Number(row.item_count), firstTitle: row.first_title }]),
  );
}
