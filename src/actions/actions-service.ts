import type { Em } from '../db/orm.ts';
import { forgetAnswersAbout } from '../idempotency/idempotency-service.ts';
import { AppError } from '../errors/app-error.ts';
import { isUuid } from '../ids/uuid.ts';
import { isOwnedCall, ownedCallRow } from '../calls/records/owned-calls.ts';
import type { CallRef } from '../calls/pipeline-port.ts';
import { actionItemText } from '../search/search-index.ts';
import { upsertActionItemEntry } from '../search/search-entry-queries.ts';
import type { ActionItem, ActionStatus } from './action-item.entity.ts';
import {
  ownedItemRow,
  insertManualItem,
  itemsOfCalls,
  itemsOfUser,
  itemsWithIds,
  removeItem,
  replaceAiItems,
  saveItems,
} from './action-item-queries.ts';
import type { ActionItemDraft } from './action-items-from-analysis.ts';
import type { ActionItemCreate, ActionItemReplacement, ActionItemView } from './action-item-schemas.ts';

export function toActionItemView(item: ActionItem): ActionItemView {
  const view: ActionItemView = {
    id: item.id,
    callRecordId: item.callRecord,
    title: item.title,
    dueDate: item.dueDate ? String(item.dueDate).slice(0, 10) : null,
    status: item.status as ActionStatus,
    priority: item.priority ?? null,
    source: item.source ?? null,
    sourceText: item.sourceText ?? null,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
    ownerSpeakerId: item.ownerSpeakerId ?? null,
    ownerSpeakerLabel: item.ownerSpeakerLabel ?? null,
    ownerDisplayName: item.ownerDisplayName ?? null,
    ownerRole: item.ownerRole ?? null,
    sourceSegmentIds: (item.sourceSegmentIds as string[] | null) ?? [],
    intent: item.intent ?? null,
    intentMetadata: (item.intentMetadata as Record<string, unknown> | null) ?? null,
  };
  if (item.description) view.description = item.description;
  return view;
}

/** Action items of a user: AI-extracted and manual, ticked off from any surface. */
export function createActionsService(deps: { fork: () => Em }) {
  async function findOwnedItem(em: Em, userId: string, id: string): Promise<ActionItem> {
    const item = isUuid(id) ? await ownedItemRow(em, userId, id) : null;
    if (!item) throw new AppError('action_item_not_found');
    return item;
  }

  async function assertOwnedCall(em: Em, userId: string, callId: string): Promise<void> {
    const owned = isUuid(callId) && (await isOwnedCall(em, userId, callId));
    if (!owned) throw new AppError('call_not_found');
  }

  /** A user's edit is findable at once; a deleted item's entry goes with it (cascade). */
  async function indexItem(em: Em, item: ActionItem): Promise<void> {
    const call = await ownedCallRow(em, item.user, item.callRecord);
    if (call)
      await upsertActionItemEntry(
        em,
        { callId: item.callRecord, userId: item.user, recordedAt: new Date(call.recorded_at ?? call.created_at) },
        actionItemText(item),
      );
  }

  function applyStatus(item: ActionItem, status: ActionStatus): void {
    if (item.status !== status) item.completedAt = status === 'DONE' ? new Date() : null;
    item.status = status;
  }

  return {
    async list(userId: string): Promise<ActionItemView[]> {
      return (await itemsOfUser(deps.fork(), userId)).map(toActionItemView);
    },

    async listForCall(userId: string, callId: string): Promise<ActionItemView[]> {
      const em = deps.fork();
      await assertOwnedCall(em, userId, callId);
      return (await itemsOfCalls(em, userId, [callId])).map(toActionItemView);
    },

    /** Those of `ids` that are the user's items, in no order. */
    async withIds(userId: string, ids: readonly string[]): Promise<ActionItemView[]> {
      return (await itemsWithIds(deps.fork(), userId, ids)).map(toActionItemView);
    },

    /** Items of several calls in one query, grouped per call in the given order. */
    async forCalls(userId: string, callIds: readonly string[]): Promise<ActionItemView[][]> {
      const byCall = new Map<string, ActionItemView[]>(callIds.map((id) => [id, []]));
      for (const item of await itemsOfCalls(deps.fork(), userId, callIds))
        byCall.get(item.callRecord)?.push(toActionItemView(item));
      return callIds.map((id) => byCall.get(id) ?? []);
    },

    /** The pipeline's write: the call's AI items become these, the user's own stay. False when the call is gone. */
    replaceAiItems(call: CallRef, drafts: readonly ActionItemDraft[]): Promise<boolean> {
      return replaceAiItems(deps.fork(), call, drafts);
    },

    async updateStatus(userId: string, id: string, status: ActionStatus): Promise<ActionItemView> {
      const em = deps.fork();
      const item = await findOwnedItem(em, userId, id);
      applyStatus(item, status);
      await saveItems(em);
      return toActionItemView(item);
    },

    async create(userId: string, callId: string, input: ActionItemCreate): Promise<ActionItemView> {
      const em = deps.fork();
      await assertOwnedCall(em, userId, callId);
      const item = await insertManualItem(em, userId, callId, input);
      await indexItem(em, item);
      return toActionItemView(item);
    },

    async replace(userId: string, id: string, input: ActionItemReplacement): Promise<ActionItemView> {
      const em = deps.fork();
      const item = await findOwnedItem(em, userId, id);
      item.title = input.title;
      item.description = input.description;
      item.dueDate = input.dueDate;
      item.priority = input.priority;
      applyStatus(item, input.status);
      await saveItems(em);
      await indexItem(em, item);
      return toActionItemView(item);
    },

    async remove(userId: string, id: string): Promise<void> {
      const em = deps.fork();
      const item = await findOwnedItem(em, userId, id);
      await em.transactional(async (tx) => {
        await removeItem(tx, item);
        await forgetAnswersAbout(tx, userId, id);
      });
    },
  };
}

export type ActionsService = ReturnType<typeof createActionsService>;
