import type { ActionItemView } from '../../../../actions/action-item-schemas.ts';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { operations } from '../../../operations/index.ts';
import { runOperation } from '../../../operations/operation.ts';
import { builder } from '../builder.ts';
import { ActionPriorityEnum, ActionStatusEnum, SpeakerRoleEnum } from './enums.ts';

const { actions } = operations;

export const ActionItemRef = builder.objectRef<ActionItemView>('ActionItem').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    callId: t.exposeID('callRecordId'),
    title: t.exposeString('title'),
    description: t.string({ nullable: true, resolve: (item) => item.description ?? null }),
    dueDate: t.exposeString('dueDate', { nullable: true, description: 'YYYY-MM-DD' }),
    status: t.field({ type: ActionStatusEnum, resolve: (item) => item.status }),
    priority: t.field({ type: ActionPriorityEnum, nullable: true, resolve: (item) => item.priority }),
    source: t.exposeString('source', { nullable: true }),
    sourceText: t.exposeString('sourceText', { nullable: true }),
    ownerSpeakerId: t.exposeString('ownerSpeakerId', { nullable: true }),
    ownerDisplayName: t.exposeString('ownerDisplayName', { nullable: true }),
    ownerRole: t.field({ type: SpeakerRoleEnum, nullable: true, resolve: (item) => item.ownerRole }),
    sourceSegmentIds: t.exposeStringList('sourceSegmentIds'),
    intent: t.exposeString('intent', { nullable: true }),
    intentMetadata: t.field({ type: 'JSON', nullable: true, resolve: (item) => item.intentMetadata }),
    createdAt: t.field({ type: 'DateTime', resolve: (item) => item.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (item) => item.updatedAt }),
  }),
});

builder.queryField('actions', (t) =>
  t.connection({
    type: ActionItemRef,
    description: "The caller's action items, newest first",
    resolve: async (_root, args, ctx) =>
      resolveArrayConnection({ args }, await runOperation(actions.list, ctx, undefined)),
  }),
);

builder.mutationField('updateActionStatus', (t) =>
  t.field({
    type: ActionItemRef,
    args: { id: t.arg.id({ required: true }), status: t.arg({ type: ActionStatusEnum, required: true }) },
    resolve: (_root, args, ctx) =>
      runOperation(actions.updateStatus, ctx, { id: String(args.id), status: args.status }),
  }),
);
