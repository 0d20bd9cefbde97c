import type { UserProfile } from '../../src/users/user-profile.ts';
import type { UserStats } from '../../src/users/user-stats.ts';
import { builder } from '../builder.ts';

export const UserRef = builder.objectRef<UserProfile>('User').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email', { nullable: true }),
    displayName: t.exposeString('displayName', { nullable: true, description: 'Drives speaker resolution ("You" vs the contact)' }),
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
  t.field({ type: UserRef, resolve: async (_root, _args, ctx) => ctx.services.users.getProfile((await ctx.authenticate()).id) }),
);

builder.queryField('stats', (t) =>
  t.field({ type: StatsRef, resolve: async (_root, _args, ctx) => ctx.services.users.stats((await ctx.authenticate()).id) }),
);

builder.mutationField('updateMe', (t) =>
  t.field({
    type: UserRef,
    args: { displayName: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => ctx.services.users.updateProfile((await ctx.authenticate()).id, { displayName: args.displayName }),
  }),
);
