import { z } from 'zod';
import { AUDIO_FORMATS } from '../audio/detect-audio-format.ts';
import { isUuid, uuidSchema } from '../ids/uuid.ts';
import { OUTCOMES, SENTIMENTS } from '../analysis/analysis-schema.ts';
import { storableDateTimeSchema } from '../time/storable-time.ts';
import { CALL_DIRECTIONS, CALL_STATUSES, type CallStatus } from './call-record.entity.ts';

/** Schemas shared by REST, tRPC and GraphQL: one definition of each call shape. */

export const callStatusSchema = z.enum(CALL_STATUSES).meta({ id: 'CallStatus' });
export const callDirectionSchema = z.enum(CALL_DIRECTIONS).meta({ id: 'CallDirection' });
const timestamp = z.iso.datetime();
const callId = uuidSchema;

export const uploadMetadataSchema = z
  .object({
    title: z.string().trim().max(300).optional(),
    contactName: z.string().trim().max(200).optional(),
    contactId: z.string().trim().max(200).optional(),
    phoneNumber: z.string().trim().max(40).optional(),
    organization: z.string().trim().max(200).optional(),
    direction: callDirectionSchema.optional(),
    recordedAt: storableDateTimeSchema.optional(),
    durationSeconds: z
      .number()
      .nonnegative()
      .max(24 * 3600)
      .optional(),
  })
  .meta({ id: 'UploadMetadata' });

export type UploadMetadata = z.infer<typeof uploadMetadataSchema>;

export const submitCallResultSchema = z.object({ callId, status: callStatusSchema }).meta({ id: 'SubmitCallResult' });
export type SubmitCallResult = z.infer<typeof submitCallResultSchema>;

export const callUploadSchema = z
  .object({
    uploadId: uuidSchema.meta({ description: 'The id of the upload, and of the call it becomes' }),
    uploadUrl: z
      .string()
      .meta({ description: 'Where to PUT the recording, relative to the API origin; it carries the upload grant' }),
    method: z.literal('PUT'),
    maxBytes: z.int().positive().meta({ description: 'The largest recording accepted' }),
    expiresAt: timestamp.meta({ description: 'The recording must arrive by then; submit the call within 30 minutes' }),
  })
  .meta({ id: 'CallUpload' });

export const receivedUploadSchema = z
  .object({
    uploadId: uuidSchema,
    format: z.enum(AUDIO_FORMATS).meta({ description: 'Decided from the bytes' }),
    byteSize: z.int().positive(),
  })
  .meta({ id: 'ReceivedUpload' });

export const submitUploadInputSchema = z.object({
  uploadId: uuidSchema,
  metadata: uploadMetadataSchema.optional(),
});

export const callSummarySchema = z
  .object({
    callId,
    title: z.string().optional(),
    contactName: z.string().optional(),
    direction: callDirectionSchema,
    status: callStatusSchema,
    durationSeconds: z.number().optional(),
    createdAt: timestamp,
    actionItemCount: z.int().nonnegative(),
    firstActionTitle: z.string().nullable(),
  })
  .meta({ id: 'CallSummary' });

export type CallSummary = z.infer<typeof callSummarySchema>;

/** Counts of calls by every value of `keys`, as the list's facets and the period summary give them. */
export const countsBy = <Key extends string>(keys: readonly [Key, ...Key[]]) =>
  z.object(Object.fromEntries(keys.map((key) => [key, z.int().nonnegative()])) as Record<Key, z.ZodInt>);

/** Facets of the whole filtered list (every page), with `include=aggregations`. */
export const callAggregationsSchema = z
  .object({
    byStatus: countsBy(CALL_STATUSES),
    byDirection: countsBy(CALL_DIRECTIONS),
    /** Analysed calls only: a call not yet analysed has no sentiment or outcome. */
    bySentiment: countsBy(SENTIMENTS),
    byOutcome: countsBy(OUTCOMES),
    totals: z.object({ calls: z.int().nonnegative(), minutes: z.number().nonnegative() }),
  })
  .meta({ id: 'CallAggregations' });

export type CallAggregations = z.infer<typeof callAggregationsSchema>;

export const callPageSchema = z
  .object({
    items: z.array(callSummarySchema),
    nextCursor: z.string().optional(),
    aggregations: callAggregationsSchema.optional(),
  })
  .meta({ id: 'CallPage' });

export type CallPage = z.infer<typeof callPageSchema>;

/** How a list may be ordered: newest created first unless asked otherwise; `-` means descending. */
export const CALL_SORTS = [
  '-createdAt',
  'createdAt',
  '-recordedAt',
  'recordedAt',
  '-durationSeconds',
  'durationSeconds',
] as const;
export type CallSort = (typeof CALL_SORTS)[number];

/** The list's filters, shared by the list and the search: every field optional, all applied together. */
export const callFilterFields = {
  /** One status, or several as CSV on REST (an array on tRPC). */
  status: z
    .union([z.string(), z.array(z.string())])
    .describe(`One status, or several separated by commas (${CALL_STATUSES.join(', ')})`)
    .transform(statusFilter)
    .optional(),
  direction: callDirectionSchema.optional(),
  /** recordedAt from this instant on (inclusive) */
  from: storableDateTimeSchema.optional(),
  /** recordedAt before this instant (exclusive) */
  to: storableDateTimeSchema.optional(),
  /** Part of the contact's name (any case) or phone number. */
  contact: z.string().trim().min(1).max(100).optional(),
  /** The analysis's overall sentiment, one or several. */
  sentiment: oneOrSeveral(SENTIMENTS, 'sentiment'),
  /** The analysis's outcome (was the call's goal met), one or several. */
  outcome: oneOrSeveral(OUTCOMES, 'outcome'),
  /** Calls where search finds these words (its syntax: words, "a phrase", or, -word). */
  q: z.string().trim().min(1).max(500).optional(),
  /** Only calls with an open (OPEN or IN_PROGRESS) action item, or only calls without one. */
  hasOpenActions: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((value) => value === true || value === 'true')
    .optional(),
};

/** A recorded range must be a range: `to` after `from`. */
export const isRecordedRange = (input: { from?: string | undefined; to?: string | undefined }) =>
  !input.from || !input.to || Date.parse(input.from) < Date.parse(input.to);
export const recordedRangeIssue = { message: 'must be after from', path: ['to'] };

export const listCallsInputSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(500).optional(),
    ...callFilterFields,
    sort: z.enum(CALL_SORTS).default('-createdAt'),
    /** `aggregations`: facet counts and totals of the whole filtered list beside the page. */
    include: z.literal('aggregations').optional(),
  })
  .refine(isRecordedRange, recordedRangeIssue);

export type ListCallsInput = z.infer<typeof listCallsInputSchema>;

export const callDetailSchema = z
  .object({
    callId,
    title: z.string().optional(),
    status: callStatusSchema,
    direction: callDirectionSchema,
    contactName: z.string().optional(),
    phoneNumber: z.string().optional(),
    durationSeconds: z.number().optional(),
    recordedAt: timestamp,
    createdAt: timestamp,
    errorReason: z.string().nullable(),
  })
  .meta({ id: 'CallDetail' });

export type CallDetail = z.infer<typeof callDetailSchema>;

/** Any string: an id that is not a UUID simply names no call (404, like a foreign one). */
export const callIdInputSchema = z.object({ id: z.string().max(100) });

const MAX_BULK_IDS = 100;

/** `?ids=a,b,c` on REST; an array on tRPC and GraphQL. */
export const bulkStatusInputSchema = z.object({
  ids: z.union([z.string(), z.array(z.string())]).transform(polledCallIds),
});

/**
 * The ids of one poll, checked in one pass: as a zod array of patterned
 * strings the per-element machinery cost as much as the pattern itself, on
 * every poll. Bulk polling validates up to 100 ids per request on the hottest
 * route, so `isUuid`'s plain 8-4-4-4-12 hex pattern is enough (the id only
 * selects rows). Issues keep zod's paths (`ids`, `ids.3`).
 */
function polledCallIds(value: string | string[], ctx: z.RefinementCtx): string[] {
  const ids = (Array.isArray(value) ? value : value.split(',')).map((id) => id.trim()).filter(Boolean);
  if (ids.length === 0) ctx.addIssue({ code: 'custom', message: 'at least 1 id' });
  if (ids.length > MAX_BULK_IDS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_BULK_IDS} ids` });
  ids.forEach((id, index) => {
    if (!isUuid(id)) ctx.addIssue({ code: 'custom', message: 'not a UUID', path: [index] });
  });
  return ids;
}

/**
 * A single status is checked by the status enum itself, so its refusal reads
 * exactly as before several were allowed; a CSV or an array is checked value
 * by value, with each issue at its position (`status.1`).
 */
function statusFilter(value: string | string[], ctx: z.RefinementCtx): CallStatus[] {
  const values = Array.isArray(value)
    ? value
    : value.includes(',')
      ? value.split(',').map((status) => status.trim())
      : [value];
  if (values.length > CALL_STATUSES.length)
    ctx.addIssue({ code: 'custom', message: `at most ${CALL_STATUSES.length} statuses` });
  const single = !Array.isArray(value) && values.length === 1;
  values.forEach((status, index) => {
    const parsed = callStatusSchema.safeParse(status);
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue, path: single ? [] : [index] } as Parameters<typeof ctx.addIssue>[0]);
  });
  return [...new Set(values)] as CallStatus[];
}

/** A filter on an enum column: one value, several as CSV on REST, an array on tRPC; each refusal at its position. */
function oneOrSeveral<Value extends string>(allowed: readonly Value[], noun: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .describe(`One ${noun}, or several separated by commas (${allowed.join(', ')})`)
    .transform((value, ctx): Value[] => {
      const values = (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim());
      if (values.length > allowed.length) ctx.addIssue({ code: 'custom', message: `at most ${allowed.length} values` });
      values.forEach((item, index) => {
        if (!(allowed as readonly string[]).includes(item))
          ctx.addIssue({ code: 'custom', message: `one of ${allowed.join(', ')}`, path: [index] });
      });
      return [...new Set(values)] as Value[];
    })
    .optional();
}

/** Output ids come from the database, already UUIDs: typed as strings to keep polling cheap. */
export const callStatusItemSchema = z
  .object({ callId: z.string(), status: callStatusSchema })
  .meta({ id: 'CallStatusItem' });

export const bulkStatusSchema = z
  .object({ items: z.array(callStatusItemSchema), nextPollMs: z.int().positive() })
  .meta({ id: 'BulkCallStatus' });

export type BulkStatus = z.infer<typeof bulkStatusSchema>;

export const bulkDeleteInputSchema = z.object({
  callIds: z.array(callId).min(1).max(MAX_BULK_IDS, `at most ${MAX_BULK_IDS} ids`),
});

export const bulkDeleteResultSchema = z
  .object({
    deleted: z.int().nonnegative(),
    missing: z.int().nonnegative(),
    failed: z.array(z.object({ callId, code: z.string() })),
  })
  .meta({ id: 'BulkDeleteResult' });

export type BulkDeleteResult = z.infer<typeof bulkDeleteResultSchema>;
