import { operations } from '../operations/index.ts';
import { mutationProcedure, queryProcedure, subscriptionProcedure } from './procedures.ts';
import { router } from './trpc.ts';

const { calls, actions, users, voice, webhooks } = operations;

export const appRouter = router({
  calls: router({
    createUpload: mutationProcedure(calls.createUpload),
    submit: mutationProcedure(calls.submit),
    list: queryProcedure(calls.list),
    search: queryProcedure(calls.search),
    summary: queryProcedure(calls.summary),
    changes: queryProcedure(calls.changes),
    statuses: queryProcedure(calls.statuses),
    get: queryProcedure(calls.get),
    transcript: queryProcedure(calls.transcript),
    storedTranscript: queryProcedure(calls.storedTranscript),
    analysis: queryProcedure(calls.analysis),
    cost: queryProcedure(calls.cost),
    delete: mutationProcedure(calls.delete),
    deleteMany: mutationProcedure(calls.deleteMany),
    reanalyze: mutationProcedure(calls.reanalyze),
    onStatusChange: subscriptionProcedure(calls.onStatusChange),
    onProgress: subscriptionProcedure(calls.onProgress),
  }),
  actions: router({
    list: queryProcedure(actions.list),
    updateStatus: mutationProcedure(actions.updateStatus),
    listForCall: queryProcedure(actions.listForCall),
    create: mutationProcedure(actions.create),
    replace: mutationProcedure(actions.replace),
    delete: mutationProcedure(actions.delete),
  }),
  users: router({
    me: queryProcedure(users.me),
    updateMe: mutationProcedure(users.updateMe),
    deleteMe: mutationProcedure(users.deleteMe),
    signOutEverywhere: mutationProcedure(users.signOutEverywhere),
    stats: queryProcedure(users.stats),
  }),
  voice: router({ status: queryProcedure(voice.status), delete: mutationProcedure(voice.delete) }),
  webhooks: router({
    create: mutationProcedure(webhooks.create),
    list: queryProcedure(webhooks.list),
    update: mutationProcedure(webhooks.update),
    delete: mutationProcedure(webhooks.delete),
    rotateSecret: mutationProcedure(webhooks.rotateSecret),
    sendTest: mutationProcedure(webhooks.sendTest),
    deliveries: queryProcedure(webhooks.deliveries),
    callDeliveries: queryProcedure(webhooks.callDeliveries),
    replay: mutationProcedure(webhooks.replay),
  }),
});

/** The type TypeScript clients import for end-to-end types. */
export type AppRouter = typeof appRouter;
