import type { GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../../../operations/request-context.ts';
import { CALL_DIRECTIONS, CALL_STATUSES } from '../../../../calls/call-record.entity.ts';
import { callUploadSchema, type CallAggregations, type CallDetail } from '../../../../calls/call-schemas.ts';
import type { CallCost } from '../../../../costs/cost-schemas.ts';
import { AppError } from '../../../../errors/app-error.ts';
import { operations } from '../../../operations/index.ts';
import { openSubscription, runOperation } from '../../../operations/operation.ts';
import { objectTypeOf } from '../zod-object-types.ts';
import type { CallStatusEvent } from '../../../../calls/call-status-changes.ts';
import type { StageProgressEvent } from '../../../../pipeline/processing-events.ts';
import { builder } from '../builder.ts';
import { ActionItemRef } from './action-item.ts';
import { OUTCOMES, SENTIMENTS } from '../../../../analysis/analysis-schema.ts';
import { CallDirectionEnum, CallSortEnum, CallStatusEnum, OutcomeEnum, SentimentEnum } from './enums.ts';
import { AnalysisRef, TranscriptRef } from './documents.ts';

const StageCostRef = builder.objectRef<CallCost['stages'][number]>('StageCost').implement({
  fields: (t) => ({
    stage: t.exposeString('stage'),
    attempts: t.exposeInt('attempts'),
    billedAttempts: t.exposeInt('billedAttempts'),
    audioSeconds: t.exposeFloat('audioSeconds'),
    inputTokens: t.exposeInt('inputTokens'),
    outputTokens: t.exposeInt('outputTokens'),
    costUsd: t.exposeFloat('costUsd'),
  }),
});

const CallCostRef = builder.objectRef<CallCost>('CallCost').implement({
  fields: (t) => ({
    currency: t.exposeString('currency'),
    totalUsd: t.exposeFloat('totalUsd'),
    stages: t.field({ type: [StageCostRef], resolve: (cost) => cost.stages }),
  }),
});

const { calls } = operations;

const userIdOf = async (ctx: RequestContext) => (await ctx.authenticate()).id;

/**
 * A call, always its full detail: a field that returns a call may return its
 * id, and the ids of a page load in one statement. The documents, the cost
 * and the action items of every call on a page load together too.
 */
export const CallRef = builder.loadableObjectRef<CallDetail | Error, string>('Call', {
  load: async (callIds, ctx) => ctx.services.calls.detailsOf(await userIdOf(ctx), callIds),
  cacheResolved: (call) => call.callId,
});

CallRef.implement({
  fields: (t) => ({
    id: t.exposeID('callId'),
    title: t.string({ nullable: true, resolve: (call) => call.title ?? null }),
    status: t.field({ type: CallStatusEnum, resolve: (call) => call.status }),
    direction: t.field({ type: CallDirectionEnum, resolve: (call) => call.direction }),
    contactName: t.string({ nullable: true, resolve: (call) => call.contactName ?? null }),
    phoneNumber: t.string({ nullable: true, resolve: (call) => call.phoneNumber ?? null }),
    durationSeconds: t.float({ nullable: true, resolve: (call) => call.durationSeconds ?? null }),
    recordedAt: t.field({ type: 'DateTime', resolve: (call) => call.recordedAt }),
    createdAt: t.field({ type: 'DateTime', resolve: (call) => call.createdAt }),
    errorReason: t.string({ nullable: true, resolve: (call) => call.errorReason }),
    actionItems: t.loadableList({
      type: ActionItemRef,
      description: 'Loaded for every call of a page in one query',
      load: async (callIds: string[], ctx) => ctx.services.actions.forCalls(await userIdOf(ctx), callIds),
      resolve: (call) => call.callId,
    }),
    transcript: t.loadable({
      type: TranscriptRef,
      nullable: true,
      description:
        'The speaker-attributed transcript (schemaVersion 2) as soon as it is stored, while the call is still ' +
        'ANALYZING; null before',
      load: async (callIds: string[], ctx) => ctx.services.calls.transcriptsOf(await userIdOf(ctx), callIds),
      resolve: (call) => (call.status === 'QUEUED' ? null : call.callId),
    }),
    analysis: t.loadable({
      type: AnalysisRef,
      nullable: true,
      description:
        'The structured analysis (schemaVersion 4; 3 for calls analysed before the judgements); null until the call ' +
        'is COMPLETED',
      load: async (callIds: string[], ctx) => ctx.services.calls.analysesOf(await userIdOf(ctx), callIds),
      resolve: (call) => (call.status === 'COMPLETED' ? call.callId : null),
    }),
    cost: t.loadable({
      type: CallCostRef,
      description: 'What the providers billed for the call so far, per stage, every attempt counted',
      load: async (callIds: string[], ctx) => ctx.services.costs.ofCalls(await userIdOf(ctx), callIds),
      resolve: (call) => call.callId,
    }),
  }),
});

const CallStatusItemRef = builder
  .objectRef<{ callId: string; status: CallDetail['status'] }>('CallStatusItem')
  .implement({
    fields: (t) => ({
      callId: t.exposeID('callId'),
      status: t.field({ type: CallStatusEnum, resolve: (item) => item.status }),
    }),
  });

const CallStatusEventRef = builder.objectRef<CallStatusEvent>('CallStatusEvent').implement({
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Resume after this event with lastEventId' }),
    callId: t.exposeID('callId'),
    status: t.field({ type: CallStatusEnum, resolve: (event) => event.status }),
    errorReason: t.exposeString('errorReason', { nullable: true }),
    occurredAt: t.field({ type: 'DateTime', resolve: (event) => event.occurredAt }),
  }),
});

const BulkDeleteRef = builder
  .objectRef<{ deleted: number; missing: number; failed: Array<{ callId: string; code: string }> }>('BulkDeleteResult')
  .implement({
    fields: (t) => ({
      deleted: t.exposeInt('deleted'),
      missing: t.exposeInt('missing'),
      failedCallIds: t.stringList({ resolve: (result) => result.failed.map((failure) => failure.callId) }),
    }),
  });

const SubmitResultRef = builder
  .objectRef<{ callId: string; status: CallDetail['status'] }>('SubmitCallResult')
  .implement({
    fields: (t) => ({
      callId: t.exposeID('callId'),
      status: t.field({ type: CallStatusEnum, resolve: (result) => result.status }),
    }),
  });

const countsOf = <Key extends string>(name: string, keys: readonly Key[]) =>
  builder.objectRef<Record<Key, number>>(name).implement({
    fields: (t) => Object.fromEntries(keys.map((key) => [key, t.int({ resolve: (counts) => counts[key] })])),
  });

/** Counts of calls by each value, every value present: shared by the list's facets and the period summary. */
export const CountsRefs = {
  byStatus: countsOf('CallCountsByStatus', CALL_STATUSES),
  byDirection: countsOf('CallCountsByDirection', CALL_DIRECTIONS),
  bySentiment: countsOf('CallCountsBySentiment', SENTIMENTS),
  byOutcome: countsOf('CallCountsByOutcome', OUTCOMES),
};

const CallTotalsRef = builder.objectRef<CallAggregations['totals']>('CallTotals').implement({
  fields: (t) => ({
    calls: t.exposeInt('calls'),
    minutes: t.exposeFloat('minutes', { description: 'Known durations only' }),
  }),
});

const AggregationsRef = builder.objectRef<CallAggregations>('CallAggregations').implement({
  fields: (t) => ({
    byStatus: t.field({ type: CountsRefs.byStatus, resolve: (aggregations) => aggregations.byStatus }),
    byDirection: t.field({ type: CountsRefs.byDirection, resolve: (aggregations) => aggregations.byDirection }),
    bySentiment: t.field({ type: CountsRefs.bySentiment, resolve: (aggregations) => aggregations.bySentiment }),
    byOutcome: t.field({ type: CountsRefs.byOutcome, resolve: (aggregations) => aggregations.byOutcome }),
    totals: t.field({ type: CallTotalsRef, resolve: (aggregations) => aggregations.totals }),
  }),
});

/** The list's filters as GraphQL arguments, shared by `calls` and `searchCalls`. */
export const callFilterArgs = builder.args((t) => ({
  statuses: t.field({ type: [CallStatusEnum] }),
  direction: t.field({ type: CallDirectionEnum }),
  from: t.field({ type: 'DateTime', description: 'recordedAt from this instant on (inclusive)' }),
  to: t.field({ type: 'DateTime', description: 'recordedAt before this instant (exclusive)' }),
  contact: t.string({ description: "Part of the contact's name (any case) or phone number" }),
  sentiments: t.field({ type: [SentimentEnum], description: "The analysis's overall sentiment, any of these" }),
  outcomes: t.field({
    type: [OutcomeEnum],
    description: "The analysis's outcome (was the call's goal met), any of these",
  }),
  hasOpenActions: t.boolean({ description: 'Only calls with (true) or without (false) an open action item' }),
}));

type CallFilterArgs = { [Key in keyof typeof callFilterArgs]?: unknown };

/** Those arguments as the operations' input names them (absent ones left out). */
export function callFilterInput(args: CallFilterArgs) {
  const { statuses, sentiments, outcomes, from, to, ...same } = args;
  return {
    ...same,
    status: statuses,
    sentiment: sentiments,
    outcome: outcomes,
    from: isoOf(from as Date | string | null | undefined),
    to: isoOf(to as Date | string | null | undefined),
  };
}

builder.queryField('calls', (t) =>
  t.connection(
    {
      type: CallRef,
      description: "The caller's calls, filtered and in the chosen order, newest first by default (keyset pagination)",
      args: {
        status: t.arg({
          type: CallStatusEnum,
          description: 'One status (kept for older clients; `statuses` takes several)',
        }),
        ...callFilterArgs,
        q: t.arg.string({ description: 'Calls where search finds these words (words, "a phrase", or, -word)' }),
        sort: t.arg({ type: CallSortEnum }),
      },
      resolve: async (_root, args, ctx, info) => {
        if (args.last || args.before)
          throw new AppError('validation_failed', 'Only forward pagination (first/after) is supported');
        const include = selects(info, 'aggregations') ? ('aggregations' as const) : undefined;
        const { first, after, status: one, q, sort: order, last: _last, before: _before, ...filters } = args;
        const input = {
          ...callFilterInput(filters),
          status: filters.statuses ?? (one ? [one] : undefined),
          limit: first,
          cursor: after,
          q,
          sort: order,
          include,
        };
        const page = await runOperation(calls.list, ctx, withoutNulls(input));
        const sort = args.sort ?? '-createdAt';
        // An edge's node shows createdAt but not every sort key:
        // outside the default order its cursor names the call only.
        const positionOf = (node: (typeof page.items)[number]) =>
          sort === '-createdAt' ? { key: node.createdAt, id: node.callId } : { id: node.callId };
        // A node is the call's id: the page's details load together (CallRef).
        const edges = page.items.map((item) => ({
          node: item.callId,
          cursor: ctx.services.calls.edgeCursor(sort, positionOf(item)),
        }));
        return {
          edges,
          aggregations: page.aggregations ?? null,
          pageInfo: {
            hasNextPage: Boolean(page.nextCursor),
            hasPreviousPage: Boolean(args.after),
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    },
    {
      fields: (t) => ({
        aggregations: t.field({
          type: AggregationsRef,
          nullable: true,
          description: 'Counts and totals of the whole filtered list, every page',
          resolve: (connection) => (connection as { aggregations?: CallAggregations | null }).aggregations ?? null,
        }),
      }),
    },
  ),
);

builder.queryField('call', (t) =>
  t.field({
    type: CallRef,
    nullable: true,
    description: "One of the caller's calls; null for an unknown or another user's id",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      try {
        return await runOperation(calls.get, ctx, { id: String(args.id) });
      } catch (error) {
        if (error instanceof AppError && error.code === 'call_not_found') return null;
        throw error;
      }
    },
  }),
);

builder.queryField('callStatuses', (t) =>
  t.field({
    type: [CallStatusItemRef],
    args: { ids: t.arg.idList({ required: true }) },
    resolve: async (_root, args, ctx) => (await runOperation(calls.statuses, ctx, { ids: args.ids.map(String) })).items,
  }),
);

builder.mutationField('deleteCall', (t) =>
  t.boolean({
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await runOperation(calls.delete, ctx, { id: String(args.id) });
      return true;
    },
  }),
);

builder.mutationField('deleteCalls', (t) =>
  t.field({
    type: BulkDeleteRef,
    args: { ids: t.arg.idList({ required: true }) },
    resolve: async (_root, args, ctx) => runOperation(calls.deleteMany, ctx, { callIds: args.ids.map(String) }),
  }),
);

builder.mutationField('reanalyzeCall', (t) =>
  t.field({
    type: CallRef,
    description: 'Re-run analysis and action items from the stored transcript (absent in prod)',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => runOperation(calls.reanalyze, ctx, { id: String(args.id) }),
  }),
);

builder.mutationField('createUpload', (t) =>
  t.field({
    type: objectTypeOf(callUploadSchema),
    description: 'Open an upload: PUT the recording to its uploadUrl, then submitCall with its uploadId',
    resolve: async (_root, _args, ctx) => runOperation(calls.createUpload, ctx, undefined),
  }),
);

builder.mutationField('submitCall', (t) =>
  t.field({
    type: SubmitResultRef,
    description: 'Submit the recording sent to an upload as a call; submitting it again answers the same call',
    args: { uploadId: t.arg.id({ required: true }), metadata: t.arg({ type: 'JSON' }) },
    resolve: async (_root, args, ctx) =>
      runOperation(calls.submit, ctx, { uploadId: String(args.uploadId), metadata: args.metadata ?? undefined }),
  }),
);

builder.subscriptionField('callStatusChanged', (t) =>
  t.field({
    type: CallStatusEventRef,
    description:
      'Status changes of the given calls: their current status, then live; after lastEventId when given, exactly ' +
      'the events since',
    args: { ids: t.arg.idList({ required: true }), lastEventId: t.arg.string() },
    subscribe: (_root, args, ctx) =>
      openSubscription(calls.onStatusChange, ctx, { ids: args.ids.map(String), lastEventId: args.lastEventId }),
    resolve: (event) => event,
  }),
);

const StageProgressRef = builder.objectRef<StageProgressEvent>('StageProgress').implement({
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Resume after this event with lastEventId' }),
    callId: t.exposeID('callId'),
    stage: t.exposeString('stage'),
    state: t.exposeString('state', { description: 'STARTED, COMPLETED, SKIPPED or FAILED' }),
    at: t.field({ type: 'DateTime', resolve: (event) => event.at }),
  }),
});

builder.subscriptionField('callProgress', (t) =>
  t.field({
    type: StageProgressRef,
    description:
      'Each pipeline stage of the given calls as it starts and ends, in order: those so far (after lastEventId when ' +
      'given), then live',
    args: { ids: t.arg.idList({ required: true }), lastEventId: t.arg.string() },
    subscribe: (_root, args, ctx) =>
      openSubscription(calls.onProgress, ctx, { ids: args.ids.map(String), lastEventId: args.lastEventId }),
    resolve: (event) => event,
  }),
);

builder.subscriptionField('myCallStatusChanged', (t) =>
  t.field({
    type: CallStatusEventRef,
    description: "Status changes of all of the caller's calls from now, or after lastEventId when given",
    args: { lastEventId: t.arg.string() },
    subscribe: (_root, args, ctx) =>
      openSubscription(calls.onStatusChange, ctx, args.lastEventId ? { lastEventId: args.lastEventId } : undefined),
    resolve: (event) => event,
  }),
);

export function isoOf(value: Date | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : value;
}

/** GraphQL passes absent arguments as null; the operation's schema means absent by undefined. */
export function withoutNulls<T extends Record<string, unknown>>(input: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}

/**
 * Whether the query asks for `field` of this result (directly or in
 * an inline fragment): the facets cost a query of their own.
 */
function selects(info: GraphQLResolveInfo, field: string): boolean {
  const visit = (selections: readonly import('graphql').SelectionNode[]): boolean =>
    selections.some((selection) =>
      selection.kind === 'Field'
        ? selection.name.value === field
        : selection.kind === 'InlineFragment'
          ? visit(selection.selectionSet.selections)
          : false,
    );
  return info.fieldNodes.some((node) => visit(node.selectionSet?.selections ?? []));
}
