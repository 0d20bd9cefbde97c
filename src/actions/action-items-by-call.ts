import type { Em } from '../db/orm.ts';
import { ActionItem } from './action-item.entity.ts';
import { toActionItemView } from './actions-service.ts';
import type { ActionItemView } from './action-item-schemas.ts';

/** Every action item of the given calls in one query, grouped per call (GraphQL's dataloader). */
export async function actionItemsForCalls(em: Em, userId: string, callIds: readonly string[]): Promise<ActionItemView[][]> {
  const items = callIds.length ? await em.find(ActionItem, { user: userId, callRecord: { $in: [...callIds] } }, { orderBy: { createdAt: 'asc', id: 'asc' } }) : [];
  const byCall = new Map<string, ActionItemView[]>(callIds.map((id) => [id, []]));
  for (const item of items) byCall.get(item.callRecord)?.push(toActionItemView(item));
  return callIds.map((id) => byCall.get(id) ?? []);
}
