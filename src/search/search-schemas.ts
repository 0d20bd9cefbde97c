import { z } from 'zod';
import { callFilterFields, callSummarySchema, isRecordedRange, recordedRangeIssue } from '../calls/call-schemas.ts';
import { speakerRoleSchema } from '../transcripts/transcript-document.ts';
import { SEARCH_SOURCES } from './search-entry-queries.ts';

/** The search's input and answer, one definition for REST, tRPC and GraphQL. */

export const searchSourceSchema = z.enum(SEARCH_SOURCES).meta({ id: 'SearchSource' });

export const searchCallsInputSchema = z
  .object({
    /** Only what this side of the call said (segments only). */
    speakerRole: speakerRoleSchema.optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
    cursor: z.string().max(500).optional(),
    ...callFilterFields,
    /** websearch syntax: words, "a phrase", `or`, `-word`. */
    q: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .describe('Words, "a quoted phrase", `or` between alternatives, `-word` to exclude'),
  })
  .refine(isRecordedRange, recordedRangeIssue);

export type SearchCallsInput = z.infer<typeof searchCallsInputSchema>;

/**
 * Where the matched words sit in `snippet`: [start, end) in UTF-16 code units,
 * as JavaScript and Kotlin index strings.
 */
const highlightSchema = z.object({ start: z.int().nonnegative(), end: z.int().nonnegative() });

export const searchHitSchema = z
  .object({
    call: callSummarySchema,
    source: searchSourceSchema,
    /** A segment hit: the moment to jump to, and who was speaking. */
    segmentId: z.string().optional(),
    startSeconds: z.number().nonnegative().optional(),
    speaker: z.object({ role: speakerRoleSchema, name: z.string().optional() }).optional(),
    actionItemId: z.uuid().optional(),
    snippet: z.string(),
    highlights: z.array(highlightSchema),
    rank: z.number().nonnegative(),
  })
  .meta({ id: 'SearchHit' });

export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchPageSchema = z
  .object({ hits: z.array(searchHitSchema), nextCursor: z.string().optional() })
  .meta({ id: 'SearchPage' });
export type SearchPage = z.infer<typeof searchPageSchema>;
