import { randomUUID } from 'node:crypto';
import type { Em } from '../db/orm.ts';
import { forgetAnswersAbout } from '../idempotency/idempotency-service.ts';
import { AppError } from '../errors/app-error.ts';
import { isUuid } from '../ids/uuid.ts';
import { CallRecord } from '../calls/call-record.entity.ts';
import { ActionItem, type ActionStatus } from './action-item.entity.ts';
import type { ActionItemCreate, ActionItemReplacement, ActionItemView } from './action-item-schemas.ts';
import { actionItemsForCalls } from './action-items-by-call.ts';

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
    const item = isUuid(id) ? await em.findOne(ActionItem, { id, user: userId }) : null;
    if (!item) throw new AppError('action_item_not_found');
    return item;
  }

  async function assertOwnedCall(em: Em, userId: string, callId: string): Promise<void> {
    const owned = isUuid(callId) && (await em.count(CallRecord, { id: callId, user: userId })) > 0;
    if (!owned) throw new AppError('call_not_found');
  }

  function applyStatus(item: ActionItem, status: ActionStatus): void {
    if (item.status !== status) item.completedAt = status === 'DONE' ? new Date() : null;
    item.status = status;
  }

  return {
    async list(userId: string): Promise<ActionItemView[]> {
      const items = await deps.fork().find(ActionItem, { user: userId }, { orderBy: { createdAt: 'desc', id: 'desc' } });
      return items.map(toActionItemView);
    },

    async listForCall(userId: string, callId: string): Promise<ActionItemView[]> {
      const em = deps.fork();
      await assertOwnedCall(em, userId, callId);
      const items = await em.find(ActionItem, { user: userId, callRecord: callId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      return items.map(toActionItemView);
    },

    /** Items of several calls in one query, grouped per call in the given order. */
    forCalls(userId: string, callIds: readonly string[]): Promise<ActionItemView[][]> {
      return actionItemsForCalls(deps.fork(), userId, callIds);
    },

    async updateStatus(userId: string, id: string, status: ActionStatus): Promise<ActionItemView> {
      const em = deps.fork();
      const item = await findOwnedItem(em, userId, id);
      applyStatus(item, status);
      await em.flush();
      return toActionItemView(item);
    },

    async create(userId: string, callId: string, input: ActionItemCreate): Promise<ActionItemView> {
      const em = deps.fork();
      await assertOwnedCall(em, userId, callId);
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
      await em.flush();
      return toActionItemView(item);
    },

    async remove(userId: string, id: string): Promise<void> {
      const em = deps.fork();
      const item = await findOwnedItem(em, userId, id);
      await em.transactional(async (tx) => {
        tx.remove(item);
        await forgetAnswersAbout(tx, userId, id);
      });
    },
  };
}

export type ActionsService = ReturnType<typeof createActionsService>;
