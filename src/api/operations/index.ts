import { createActionItem } from './actions/create-action-item.ts';
import { deleteActionItem } from './actions/delete-action-item.ts';
import { listActions } from './actions/list-actions.ts';
import { listCallActionItems } from './actions/list-call-action-items.ts';
import { replaceActionItem } from './actions/replace-action-item.ts';
import { updateActionStatus } from './actions/update-action-status.ts';
import { createUpload } from './calls/create-upload.ts';
import { deleteCall } from './calls/delete-call.ts';
import { deleteCalls } from './calls/delete-calls.ts';
import { getAnalysis } from './calls/get-analysis.ts';
import { getCall } from './calls/get-call.ts';
import { getCallCost } from './calls/get-call-cost.ts';
import { getCallStatuses } from './calls/get-call-statuses.ts';
import { getTranscript } from './calls/get-transcript.ts';
import { listCalls } from './calls/list-calls.ts';
import { listChanges } from './calls/list-changes.ts';
import { onCallProgress } from './calls/on-call-progress.ts';
import { onCallStatusChange } from './calls/on-call-status-change.ts';
import { getStoredTranscript } from './calls/get-stored-transcript.ts';
import { reanalyzeCall } from './calls/reanalyze-call.ts';
import { searchCalls } from './calls/search-calls.ts';
import { submitUpload } from './calls/submit-upload.ts';
import { summarizeCalls } from './calls/summarize-calls.ts';
import type { Operation } from './operation.ts';
import { deleteMe } from './users/delete-me.ts';
import { getMe } from './users/get-me.ts';
import { getMyStats } from './users/get-my-stats.ts';
import { signOutEverywhere } from './users/sign-out-everywhere.ts';
import { updateMe } from './users/update-me.ts';
import { listCallDeliveries, listEndpointDeliveries, replayWebhookDelivery } from './webhooks/delivery-operations.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhookEndpoint,
} from './webhooks/endpoint-operations.ts';
import { deleteVoiceProfile } from './voice/delete-voice-profile.ts';
import { getVoiceProfileStatus } from './voice/get-voice-profile-status.ts';

/**
 * Every JSON operation of Scryon, each defined once. tRPC mounts them under
 * these names, REST under their `rest` binding, GraphQL resolvers run them by
 * reference. The streamed routes beside them (the multipart upload, the
 * recording of an upload, the voice sample) are REST's alone.
 */
export const operations = {
  calls: {
    createUpload,
    submit: submitUpload,
    list: listCalls,
    search: searchCalls,
    summary: summarizeCalls,
    changes: listChanges,
    statuses: getCallStatuses,
    get: getCall,
    transcript: getTranscript,
    storedTranscript: getStoredTranscript,
    analysis: getAnalysis,
    cost: getCallCost,
    delete: deleteCall,
    deleteMany: deleteCalls,
    reanalyze: reanalyzeCall,
    onStatusChange: onCallStatusChange,
    onProgress: onCallProgress,
  },
  actions: {
    list: listActions,
    updateStatus: updateActionStatus,
    listForCall: listCallActionItems,
    create: createActionItem,
    replace: replaceActionItem,
    delete: deleteActionItem,
  },
  users: { me: getMe, updateMe, deleteMe, signOutEverywhere, stats: getMyStats },
  voice: { status: getVoiceProfileStatus, delete: deleteVoiceProfile },
  webhooks: {
    create: createWebhookEndpoint,
    list: listWebhookEndpoints,
    update: updateWebhookEndpoint,
    delete: deleteWebhookEndpoint,
    rotateSecret: rotateWebhookSecret,
    sendTest: sendTestWebhook,
    deliveries: listEndpointDeliveries,
    callDeliveries: listCallDeliveries,
    replay: replayWebhookDelivery,
  },
} as const;

/** The operations with a REST route, in a stable order. */
export function restOperations(): Array<Operation & { rest: NonNullable<Operation['rest']> }> {
  return Object.values(operations)
    .flatMap((group) => Object.values(group))
    .filter(
      (operation): operation is Operation & { rest: NonNullable<Operation['rest']> } =>
        operation.kind !== 'subscription' && operation.rest !== undefined,
    );
}
