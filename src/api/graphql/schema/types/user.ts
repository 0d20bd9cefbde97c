import type { UserProfile } from '../../../../users/user-profile.ts';
import type { UserStats } from '../../../../call-history/user-stats.ts';
import { operations } from '../../../operations/index.ts';
import { runOperation } from '../../../operations/operation.ts';
import { builder } from '../builder.ts';

const { users } = operations;

export const UserRef = builder.objectRef<UserProfile>('User').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email', { nullable: true }),
    displayName: t.exposeString('displayName', {
      nullable: true,
      description: 'Drives speaker resolution ("You" vs the contact)',
    }),
    photoUrl: t.exposeString('photoUrl', { nullable: true }),
    plan: t.exposeString('plan'),
    isAdmin: t.exposeBoolean('isAdmin'),
    accountStatus: t.exposeString('accountStatus'),
    createdAt: t.field({ type: 'DateTime', resolve: (user) => user.createdAt }),
  }),
});

const StatsRef = builder.objectRef<UserStats>('UserStats').implement({
  fields: (t) => ({
    totalCalls: t.exposeInt('totalCalls'),
    callsThisWeek: t.exposeInt('callsThisWeek'),
    openActionItems: t.exposeInt('openActionItems'),
    overdueActionItems: t.exposeInt('overdueActionItems'),
    completedActionItems: t.exposeInt('completedActionItems'),
    averageCallDurationSeconds: t.exposeFloat('averageCallDurationSeconds', { nullable: true }),
  }),
});

builder.queryField('me', (t) =>
  t.field({ type: UserRef, resolve: (_root, _args, ctx) => runOperation(users.me, ctx, undefined) }),
);

builder.queryField('stats', (t) =>
  t.field({ type: StatsRef, resolve: (_root, _args, ctx) => runOperation(users.stats, ctx, undefined) }),
);

builder.mutationField('updateMe', (t) =>
  t.field({
    type: UserRef,
    args: { displayName: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => runOperation(users.updateMe, ctx, { displayName: args.displayName }),
  }),
);

builder.mutationField('signOutEverywhere', (t) =>
  t.boolean({
    description: 'Revokes every session of the caller; tokens already issued are refused at once on every instance',
    resolve: async (_root, _args, ctx) => {
      await runOperation(users.signOutEverywhere, ctx, undefined);
      return true;
    },
  }),
);
