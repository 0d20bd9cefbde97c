import { operations } from '../../../operations/index.ts';
import { runOperation } from '../../../operations/operation.ts';
import { PERIOD_GROUPINGS, type PeriodSummary } from '../../../../call-history/period-summary-schemas.ts';
import { builder } from '../builder.ts';
import { CountsRefs, isoOf, withoutNulls } from './call.ts';

type Totals = PeriodSummary['totals'];
type Bucket = PeriodSummary['series'][number];

const GroupByEnum = builder.enumType('SummaryGroupBy', { values: PERIOD_GROUPINGS });

const ItemCountsRef = builder.objectRef<Totals['actionItems']>('SummaryActionItems').implement({
  description: 'Items of these calls: opened (all but dismissed), done, and open past their due date',
  fields: (t) => ({ opened: t.exposeInt('opened'), done: t.exposeInt('done'), overdue: t.exposeInt('overdue') }),
});

const TotalsRef = builder.objectRef<Totals>('SummaryTotals').implement({
  fields: (t) => ({
    calls: t.exposeInt('calls'),
    minutes: t.exposeFloat('minutes'),
    averageMinutes: t.float({
      nullable: true,
      description: 'Over the calls whose duration is known',
      resolve: (totals) => totals.averageMinutes,
    }),
    byStatus: t.field({ type: CountsRefs.byStatus, resolve: (totals) => totals.byStatus }),
    byDirection: t.field({ type: CountsRefs.byDirection, resolve: (totals) => totals.byDirection }),
    bySentiment: t.field({ type: CountsRefs.bySentiment, resolve: (totals) => totals.bySentiment }),
    byOutcome: t.field({ type: CountsRefs.byOutcome, resolve: (totals) => totals.byOutcome }),
    actionItems: t.field({ type: ItemCountsRef, resolve: (totals) => totals.actionItems }),
    costUsd: t.exposeFloat('costUsd', { description: 'What the providers billed for these calls, in US dollars' }),
  }),
});

const BucketRef = builder.objectRef<Bucket>('SummaryBucket').implement({
  fields: (t) => ({
    start: t.exposeString('start', { description: 'The first local day of the bucket (YYYY-MM-DD)' }),
    calls: t.exposeInt('calls'),
    minutes: t.exposeFloat('minutes'),
    actionItems: t.field({ type: ItemCountsRef, resolve: (bucket) => bucket.actionItems }),
    costUsd: t.exposeFloat('costUsd'),
  }),
});

const PeriodSummaryRef = builder.objectRef<PeriodSummary>('CallPeriodSummary').implement({
  fields: (t) => ({
    from: t.field({ type: 'DateTime', resolve: (summary) => summary.from }),
    to: t.field({ type: 'DateTime', resolve: (summary) => summary.to }),
    groupBy: t.field({ type: GroupByEnum, resolve: (summary) => summary.groupBy }),
    tz: t.exposeString('tz'),
    totals: t.field({ type: TotalsRef, resolve: (summary) => summary.totals }),
    series: t.field({ type: [BucketRef], resolve: (summary) => summary.series }),
  }),
});

builder.queryField('callSummary', (t) =>
  t.field({
    type: PeriodSummaryRef,
    description: "The caller's calls recorded in [from, to), bucketed by day or week of a time zone",
    args: {
      from: t.arg({ type: 'DateTime', description: '30 days before `to` when absent' }),
      to: t.arg({ type: 'DateTime', description: 'Now when absent' }),
      groupBy: t.arg({ type: GroupByEnum }),
      tz: t.arg.string({ description: 'An IANA time zone; UTC when absent' }),
    },
    resolve: (_root, args, ctx) =>
      runOperation(
        operations.calls.summary,
        ctx,
        withoutNulls({ ...args, from: isoOf(args.from), to: isoOf(args.to) }),
      ),
  }),
);
