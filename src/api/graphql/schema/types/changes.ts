import { operations } from '../../../operations/index.ts';
import { runOperation } from '../../../operations/operation.ts';
import { CHANGE_ENTITIES, CHANGE_OPS } from '../../../../sync/change-schemas.ts';
import type { Change, ChangePage } from '../../../../sync/change-schemas.ts';
import { builder } from '../builder.ts';
import { ActionItemRef } from './action-item.ts';
import { CallRef, withoutNulls } from './call.ts';

const ChangeEntityEnum = builder.enumType('ChangeEntity', { values: CHANGE_ENTITIES });
const ChangeOpEnum = builder.enumType('ChangeOp', { values: CHANGE_OPS });

const ChangeRef = builder.objectRef<Change>('Change').implement({
  fields: (t) => ({
    entity: t.field({ type: ChangeEntityEnum, resolve: (change) => change.entity }),
    id: t.exposeID('id'),
    op: t.field({
      type: ChangeOpEnum,
      description: '`delete`: a tombstone, kept 30 days',
      resolve: (change) => change.op,
    }),
    changedAt: t.field({ type: 'DateTime', resolve: (change) => change.changedAt }),
    call: t.field({
      type: CallRef,
      nullable: true,
      description: 'The call as it is now (an upserted call)',
      resolve: (change) => change.call?.callId ?? null,
    }),
    actionItem: t.field({
      type: ActionItemRef,
      nullable: true,
      description: 'The item as it is now (an upserted action item)',
      resolve: (change) => change.actionItem ?? null,
    }),
  }),
});

const ChangePageRef = builder.objectRef<ChangePage>('ChangePage').implement({
  fields: (t) => ({
    changes: t.field({ type: [ChangeRef], resolve: (page) => page.changes }),
    nextToken: t.exposeString('nextToken'),
    hasMore: t.exposeBoolean('hasMore'),
  }),
});

builder.queryField('changes', (t) =>
  t.field({
    type: ChangePageRef,
    description:
      "Every call and action item created, updated or deleted since a token, in order; without one, the feed's " +
      'position now',
    args: { since: t.arg.string(), limit: t.arg.int() },
    resolve: (_root, args, ctx) => runOperation(operations.calls.changes, ctx, withoutNulls(args)),
  }),
);
