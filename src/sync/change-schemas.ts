import { z } from 'zod';
import { actionItemSchema } from '../actions/action-item-schemas.ts';
import { callSummarySchema } from '../calls/call-schemas.ts';

/** The change feed's input and answer, one definition for REST, tRPC and GraphQL. */

export const CHANGE_ENTITIES = ['call', 'action_item'] as const;
export type ChangeEntity = (typeof CHANGE_ENTITIES)[number];

/** `delete`: a tombstone. */
export const CHANGE_OPS = ['upsert', 'delete'] as const;

export const changesInputSchema = z.object({
  /** The token of the last answer; absent: the feed's position now, and no changes. */
  since: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type ChangesInput = z.infer<typeof changesInputSchema>;

export const changeSchema = z
  .object({
    entity: z.enum(CHANGE_ENTITIES),
    id: z.uuid(),
    /** `delete`: a tombstone, kept 30 days. */
    op: z.enum(CHANGE_OPS),
    changedAt: z.iso.datetime(),
    /** The call as the list shows it now (an upserted call). */
    call: callSummarySchema.optional(),
    /** The item as it is now (an upserted action item). */
    actionItem: actionItemSchema.optional(),
  })
  .meta({ id: 'Change' });

export type Change = z.infer<typeof changeSchema>;

export const changePageSchema = z
  .object({ changes: z.array(changeSchema), nextToken: z.string(), hasMore: z.boolean() })
  .meta({ id: 'ChangePage' });

export type ChangePage = z.infer<typeof changePageSchema>;
