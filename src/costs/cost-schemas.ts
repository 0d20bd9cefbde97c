import { z } from 'zod';
import { METERED_STAGES } from './usage-cost.ts';

/** A call's cost, one definition for REST, tRPC and GraphQL. */
export const callCostSchema = z
  .object({
    callId: z.uuid(),
    currency: z.literal('USD'),
    totalUsd: z.number().nonnegative(),
    /**
     * Per metered stage: every attempt, the billed ones, what they consumed
     * and cost (an unbilled attempt costs nothing).
     */
    stages: z.array(
      z.object({
        stage: z.enum(METERED_STAGES),
        attempts: z.int().nonnegative(),
        billedAttempts: z.int().nonnegative(),
        audioSeconds: z.number().nonnegative(),
        inputTokens: z.int().nonnegative(),
        outputTokens: z.int().nonnegative(),
        costUsd: z.number().nonnegative(),
      }),
    ),
  })
  .meta({ id: 'CallCost' });

export type CallCost = z.infer<typeof callCostSchema>;
