import { z } from 'zod';
import { uuidSchema } from '../ids/uuid.ts';
import { storableDateSchema } from '../time/storable-time.ts';
import { ROLES } from '../transcripts/transcript-document.ts';
import { ACTION_PRIORITIES, ACTION_SOURCES, ACTION_STATUSES } from './action-item.entity.ts';

const isoDate = z.iso.date();

export const actionStatusSchema = z.enum(ACTION_STATUSES).meta({ id: 'ActionStatus' });
export const actionPrioritySchema = z.enum(ACTION_PRIORITIES).meta({ id: 'ActionPriority' });

/** `ActionItemResponse`, the same shape on /api/actions and the per-call list. */
export const actionItemSchema = z
  .object({
    id: uuidSchema,
    callRecordId: uuidSchema,
    title: z.string(),
    description: z.string().optional(),
    dueDate: isoDate.nullable(),
    status: actionStatusSchema,
    priority: actionPrioritySchema.nullable(),
    source: z.enum(ACTION_SOURCES).nullable(),
    sourceText: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    ownerSpeakerId: z.string().nullable(),
    ownerSpeakerLabel: z.string().nullable(),
    ownerDisplayName: z.string().nullable(),
    ownerRole: z.enum(ROLES).nullable(),
    sourceSegmentIds: z.array(z.string()),
    intent: z.string().nullable(),
    intentMetadata: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'ActionItem' });

export type ActionItemView = z.infer<typeof actionItemSchema>;

/** PATCH /api/actions/{id}: status only; the pre-V19 names PENDING/COMPLETED are refused. */
export const actionStatusUpdateSchema = z.object({ id: z.string().max(100), status: actionStatusSchema }).strict();

const title = z.string().trim().min(1).max(500);

/** What a user may write on an item besides its title: optional on create, and `null` clears it on replace. */
const itemDetails = {
  description: z.string().trim().max(5000),
  dueDate: storableDateSchema,
  priority: actionPrioritySchema,
};

export const createActionItemSchema = z
  .object({ callId: z.string().max(100), title, ...z.object(itemDetails).partial().shape })
  .strict();

/** PUT /api/action-items/{id}: a full replacement, every key sent. */
export const replaceActionItemSchema = z
  .object({ id: z.string().max(100), title, ...nullable(itemDetails), status: actionStatusSchema })
  .strict();

function nullable<Shape extends Record<string, z.ZodType>>(
  shape: Shape,
): { [Key in keyof Shape]: z.ZodNullable<Shape[Key]> } {
  return Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, field.nullable()])) as {
    [Key in keyof Shape]: z.ZodNullable<Shape[Key]>;
  };
}

export type ActionItemCreate = Omit<z.infer<typeof createActionItemSchema>, 'callId'>;
export type ActionItemReplacement = Omit<z.infer<typeof replaceActionItemSchema>, 'id'>;
