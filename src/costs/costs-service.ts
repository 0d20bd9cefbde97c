import type { CallRef } from '../calls/pipeline-port.ts';
import { isOwnedCall } from '../calls/records/owned-calls.ts';
import { refreshCallCost } from '../calls/records/pipeline-writes.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors/app-error.ts';
import { isUuid } from '../ids/uuid.ts';
import type { CallCost } from './cost-schemas.ts';
import type { PriceTable } from '../config/price-table.ts';
import { costOf, toMicroDollars, type MeteredStage, type Usage } from './usage-cost.ts';
import { costByStage, costByStageOfCalls, recordUsage, totalCostOf } from './provider-usage-queries.ts';
import type { StageCostRow } from './provider-usage-queries.ts';

export interface MeteredAttempt {
  attempt: string;
  stage: MeteredStage;
  provider: string;
  model: string | null;
  /** What the provider billed; undefined for an attempt it did not bill (a refusal, a time-out). */
  usage: Usage | undefined;
}

/** What each call cost: the pipeline records every metered attempt, the surfaces read the sum. */
export function createCostsService(deps: { fork: () => Em; prices: PriceTable }) {
  return {
    async recordAttempt(call: CallRef, attempt: MeteredAttempt): Promise<void> {
      const { usage, ...named } = attempt;
      const em = deps.fork();
      await recordUsage(em, call, {
        ...named,
        ...usage,
        billed: usage !== undefined,
        costUsd: usage ? costOf(deps.prices, attempt.stage, usage) : 0,
      });
      await refreshCallCost(em, call.callId, totalCostOf(call.callId));
    },

    /** Another user's call reads exactly like a missing one. */
    async ofCall(userId: string, callId: string): Promise<CallCost> {
      const em = deps.fork();
      if (!isUuid(callId) || !(await isOwnedCall(em, userId, callId))) throw new AppError('call_not_found');
      return callCost(callId, await costByStage(em, callId));
    },

    /** The costs of calls already read as the user's (a GraphQL page), in their order: one statement for all. */
    async ofCalls(userId: string, callIds: readonly string[]): Promise<CallCost[]> {
      const byCall = await costByStageOfCalls(deps.fork(), userId, callIds);
      return callIds.map((callId) => callCost(callId, byCall.get(callId) ?? []));
    },
  };
}

function callCost(callId: string, stages: readonly StageCostRow[]): CallCost {
  const totalUsd = toMicroDollars(stages.reduce((total, stage) => total + stage.costUsd, 0));
  const priced = stages.map((stage) => ({ ...stage, costUsd: toMicroDollars(stage.costUsd) }));
  return { callId, currency: 'USD', totalUsd, stages: priced };
}

export type CostsService = ReturnType<typeof createCostsService>;
