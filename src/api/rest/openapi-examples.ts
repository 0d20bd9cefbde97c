import type { z } from 'zod';

/**
 * Examples for the OpenAPI document: one story (a call with Ravi about the
 * delivery of order 1182) told by every shape, so the docs page and generated
 * clients show real-looking values instead of "string". A schema that carries
 * its own example (`.meta({ example })`) keeps it; these fill in the rest. A
 * unit test parses each one with its schema, so an example cannot drift from
 * the shape it illustrates.
 */

const CALL_ID = '3f6b1c2e-8a4d-4e7b-9c1a-5d2e7f8a9b0c';
const OTHER_CALL_ID = '8d2f4a61-0b3c-4e5d-8f71-2a9c6e4b1d07';
const ACTION_ID = 'b7e3c9d1-5f2a-4c8e-a6b4-0d1e2f3a4b5c';
const ENDPOINT_ID = '1c9e8b7a-6d5f-4e3c-b2a1-0f9e8d7c6b5a';
const DELIVERY_ID = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
const USER_ID = '2b8d6f4e-9c1a-4b3d-8e5f-7a6c9d0e1f2a';
const RECORDED_AT = '2026-11-12T09:40:31.000Z';
const CREATED_AT = '2026-11-12T09:40:48.000Z';
const UPDATED_AT = '2026-11-12T09:41:09.000Z';

const callSummary = {
  callId: CALL_ID,
  title: 'Delivery date for order 1182',
  contactName: 'Ravi Menon',
  direction: 'OUTGOING',
  status: 'COMPLETED',
  durationSeconds: 19.4,
  createdAt: CREATED_AT,
  actionItemCount: 1,
  firstActionTitle: 'Email the tracking number for order 1182',
};

const actionItem = {
  id: ACTION_ID,
  callRecordId: CALL_ID,
  title: 'Email the tracking number for order 1182',
  description: 'Ravi sends the tracking number once the truck leaves on Thursday.',
  dueDate: '2026-11-13',
  status: 'OPEN',
  priority: 'MEDIUM',
  source: 'AI',
  sourceText: 'Sure, I will email it to you on Thursday.',
  createdAt: UPDATED_AT,
  updatedAt: UPDATED_AT,
  ownerSpeakerId: 'spk_2',
  ownerSpeakerLabel: 'Speaker 2',
  ownerDisplayName: 'Ravi',
  ownerRole: 'CONTACT',
  sourceSegmentIds: ['seg_0004'],
  intent: 'send_information',
  intentMetadata: { channel: 'email' },
};

const webhookEndpoint = {
  id: ENDPOINT_ID,
  url: 'https://hooks.example.com/scryon',
  eventTypes: ['call.completed', 'action_item.created'],
  description: 'CRM sync',
  enabled: true,
  disabledReason: null,
  createdAt: '2026-11-01T08:00:00.000Z',
  updatedAt: '2026-11-01T08:00:00.000Z',
};

const webhookDelivery = {
  id: DELIVERY_ID,
  endpointId: ENDPOINT_ID,
  callId: CALL_ID,
  eventType: 'call.completed',
  state: 'SUCCEEDED',
  payload: { type: 'call.completed', timestamp: UPDATED_AT, data: { callId: CALL_ID, status: 'COMPLETED' } },
  createdAt: UPDATED_AT,
  attempts: [
    {
      attempt: 1,
      url: 'https://hooks.example.com/scryon',
      statusCode: 200,
      durationMs: 184,
      success: true,
      error: null,
      nextRetryAt: null,
      attemptedAt: '2026-11-12T09:41:10.000Z',
    },
  ],
};

const stage = (name: string, audioSeconds: number) => ({
  stage: name,
  attempts: 1,
  billedAttempts: 1,
  audioSeconds,
  inputTokens: 0,
  outputTokens: 0,
});

const byStatus = { QUEUED: 0, TRANSCRIBING: 0, ANALYZING: 1, COMPLETED: 11, FAILED: 0 };
const byDirection = { INCOMING: 5, OUTGOING: 7, UNKNOWN: 0 };
const bySentiment = { positive: 6, neutral: 4, negative: 0, mixed: 1, unclear: 0 };
const byOutcome = { achieved: 8, partially_achieved: 2, not_achieved: 1, no_goal: 0, unclear: 0 };

/** By the id a schema is registered under (`.meta({ id })`). */
export const SCHEMA_EXAMPLES: Record<string, unknown> = {
  UploadMetadata: {
    title: 'Delivery date for order 1182',
    contactName: 'Ravi Menon',
    phoneNumber: '+44 20 7946 0958',
    organization: 'Northwind Freight',
    direction: 'OUTGOING',
    recordedAt: RECORDED_AT,
    durationSeconds: 19.4,
  },
  SubmitCallResult: { callId: CALL_ID, status: 'QUEUED' },
  CallUpload: {
    uploadId: CALL_ID,
    uploadUrl: `/api/uploads/${CALL_ID}?grant=8Jx1vQmV0c2hR3NwYWNlX2dyYW50X2V4YW1wbGU`,
    method: 'PUT',
    maxBytes: 104_857_600,
    expiresAt: '2026-11-12T09:55:48.000Z',
  },
  ReceivedUpload: { uploadId: CALL_ID, format: 'm4a', byteSize: 1_843_200 },
  CallSummary: callSummary,
  CallPage: {
    items: [callSummary],
    nextCursor: 'eyJjIjoiMjAyNi0xMS0xMlQwOTo0MDo0OC4wMDBaIn0',
    aggregations: { byStatus, byDirection, bySentiment, byOutcome, totals: { calls: 12, minutes: 41.5 } },
  },
  CallDetail: {
    callId: CALL_ID,
    title: 'Delivery date for order 1182',
    status: 'COMPLETED',
    direction: 'OUTGOING',
    contactName: 'Ravi Menon',
    phoneNumber: '+44 20 7946 0958',
    durationSeconds: 19.4,
    recordedAt: RECORDED_AT,
    createdAt: CREATED_AT,
    errorReason: null,
  },
  SearchPage: {
    hits: [
      {
        call: callSummary,
        source: 'SEGMENT',
        segmentId: 'seg_0002',
        startSeconds: 4.6,
        speaker: { role: 'CONTACT', name: 'Ravi' },
        snippet: 'the truck leaves on Thursday, so it reaches you Friday morning',
        highlights: [{ start: 4, end: 9 }],
        rank: 0.61,
      },
    ],
  },
  CallPeriodSummary: {
    from: '2026-11-09T00:00:00.000Z',
    to: '2026-11-16T00:00:00.000Z',
    groupBy: 'day',
    tz: 'Europe/London',
    totals: {
      calls: 12,
      minutes: 41.5,
      averageMinutes: 3.5,
      byStatus,
      byDirection,
      bySentiment,
      byOutcome,
      actionItems: { opened: 9, done: 4, overdue: 1 },
      costUsd: 0.84,
    },
    series: [
      { start: '2026-11-12', calls: 3, minutes: 9.2, actionItems: { opened: 2, done: 1, overdue: 0 }, costUsd: 0.19 },
    ],
  },
  ChangePage: {
    changes: [
      { entity: 'call', id: CALL_ID, op: 'upsert', changedAt: UPDATED_AT, call: callSummary },
      { entity: 'action_item', id: ACTION_ID, op: 'upsert', changedAt: UPDATED_AT, actionItem },
      { entity: 'call', id: OTHER_CALL_ID, op: 'delete', changedAt: '2026-11-12T10:02:15.000Z' },
    ],
    nextToken: 'eyJzIjoxMDQ4fQ',
    hasMore: false,
  },
  BulkCallStatus: {
    items: [
      { callId: CALL_ID, status: 'COMPLETED' },
      { callId: OTHER_CALL_ID, status: 'TRANSCRIBING' },
    ],
    nextPollMs: 3000,
  },
  CallCost: {
    callId: CALL_ID,
    currency: 'USD',
    totalUsd: 0.0071,
    stages: [
      { ...stage('TRANSCRIBED', 19.4), costUsd: 0.0011 },
      { ...stage('DIARIZED', 19.4), costUsd: 0.0016 },
      { ...stage('ANALYZED', 0), inputTokens: 1840, outputTokens: 612, costUsd: 0.0044 },
    ],
  },
  BulkDeleteResult: { deleted: 2, missing: 1, failed: [] },
  ActionItem: actionItem,
  UserProfile: {
    id: USER_ID,
    externalUserId: 'kX3vQ9mT2aP7sL1dR8wY4zN6bC5e',
    email: 'priya.shah@example.com',
    displayName: 'Priya Shah',
    photoUrl: null,
    createdAt: '2026-09-03T14:22:05.000Z',
    lastLoginAt: '2026-11-12T09:38:00.000Z',
    privacyPolicyVersion: '2026-08',
    privacyPolicyAcceptedAt: '2026-09-03T14:22:30.000Z',
    termsVersion: '2026-08',
    termsAcceptedAt: '2026-09-03T14:22:30.000Z',
    callRecordingDisclaimerVersion: '1',
    callRecordingDisclaimerAcceptedAt: '2026-09-03T14:23:10.000Z',
    marketingOptIn: false,
    marketingOptInAt: null,
    plan: 'FREE',
    plansIntroShownAt: '2026-09-03T14:24:00.000Z',
    isAdmin: false,
    accountStatus: 'ACTIVE',
    accountStatusReason: null,
  },
  UserStats: {
    totalCalls: 42,
    callsThisWeek: 12,
    openActionItems: 5,
    overdueActionItems: 1,
    completedActionItems: 23,
    averageCallDurationSeconds: 207.5,
  },
  VoiceProfile: {
    status: 'ACTIVE',
    provider: 'pyannote',
    consentVersion: '1',
    createdAt: '2026-11-02T18:05:44.000Z',
    sampleDurationSeconds: 22.8,
  },
  VoiceProfileStatus: {
    status: 'ACTIVE',
    provider: 'pyannote',
    consentVersion: '1',
    createdAt: '2026-11-02T18:05:44.000Z',
  },
  WebhookEndpoint: webhookEndpoint,
  WebhookEndpointWithSecret: { ...webhookEndpoint, secret: 'whsec_MfKQ9r8GKYqXEm1Lx1j7Gq3i5Tz0bW2c' },
  WebhookEndpointList: { endpoints: [webhookEndpoint] },
  WebhookDelivery: webhookDelivery,
  WebhookDeliveryList: { deliveries: [webhookDelivery] },
  HealthReport: { status: 'UP', version: '0.1.0' },
};

/** JSON request bodies, by operation (`calls.deleteMany`); the path parameters are not part of them. */
export const REQUEST_EXAMPLES: Record<string, unknown> = {
  'calls.submit': {
    uploadId: CALL_ID,
    metadata: { title: 'Delivery date for order 1182', contactName: 'Ravi Menon', direction: 'OUTGOING' },
  },
  'calls.deleteMany': { callIds: [CALL_ID, OTHER_CALL_ID] },
  'actions.updateStatus': { status: 'DONE' },
  'actions.create': {
    title: 'Confirm Friday delivery slot with the warehouse',
    description: 'Ravi said the truck reaches us Friday morning, the 14th.',
    dueDate: '2026-11-13',
    priority: 'HIGH',
  },
  'actions.replace': {
    title: 'Email the tracking number for order 1182',
    description: 'Ravi sends it once the truck leaves on Thursday.',
    dueDate: '2026-11-13',
    priority: 'MEDIUM',
    status: 'IN_PROGRESS',
  },
  'users.updateMe': { displayName: 'Priya Shah' },
  'webhooks.create': {
    url: 'https://hooks.example.com/scryon',
    eventTypes: ['call.completed', 'action_item.created'],
    description: 'CRM sync',
  },
  'webhooks.update': { eventTypes: ['call.completed', 'call.failed'], enabled: true },
};

/** The values an example path parameter takes: a real-looking id of the right kind. */
export const PATH_EXAMPLES: Record<string, string> = {
  '/calls/{id}': CALL_ID,
  '/calls/{callId}': CALL_ID,
  '/action-items/{id}': ACTION_ID,
  '/actions/{id}': ACTION_ID,
  '/webhooks/{id}': ENDPOINT_ID,
  '/webhooks/deliveries/{id}': DELIVERY_ID,
};

export function requestExample(name: string): unknown {
  return REQUEST_EXAMPLES[name];
}

/** A response whose schema has no id of its own (a list of action items) is shown by its items' example. */
export function responseExample(output: z.ZodType): unknown {
  const def = output.def as { type: string; element?: z.ZodType };
  if (def.type !== 'array' || !def.element) return undefined;
  const item = exampleOf(def.element);
  return item === undefined ? undefined : [item];
}

/** The example a schema carries itself, else the one above for its id. */
export function exampleOf(schema: z.ZodType): unknown {
  const meta = schema.meta() as { id?: string; example?: unknown } | undefined;
  if (meta?.example !== undefined) return meta.example;
  return meta?.id ? SCHEMA_EXAMPLES[meta.id] : undefined;
}
