import type { PriceTable } from '../config/price-table.ts';

/** The pipeline stages whose provider bills: each of their attempts is recorded. */
export const METERED_STAGES = ['TRANSCRIBED', 'DIARIZED', 'ANALYZED'] as const;
export type MeteredStage = (typeof METERED_STAGES)[number];

/** What one request consumed, as the provider reported it (or the audio's length, for providers that bill by it). */
export interface Usage {
  audioSeconds?: number | null | undefined;
  inputTokens?: number | null | undefined;
  outputTokens?: number | null | undefined;
}

/** The cost of one billed request, to the micro-dollar. */
export function costOf(prices: PriceTable, stage: MeteredStage, usage: Usage): number {
  const hours = (usage.audioSeconds ?? 0) / 3600;
  if (stage === 'TRANSCRIBED') return toMicroDollars(hours * prices.transcriptionPerAudioHour);
  if (stage === 'DIARIZED') return toMicroDollars(hours * prices.diarizationPerAudioHour);
  const tokens =
    (usage.inputTokens ?? 0) * prices.llmInputPerMillionTokens +
    (usage.outputTokens ?? 0) * prices.llmOutputPerMillionTokens;
  return toMicroDollars(tokens / 1_000_000);
}

/**
 * Dollars to the micro-dollar, the precision every cost is stored and shown in
 * (sums of floats would otherwise show their noise).
 */
export function toMicroDollars(amount: number): number {
  return Math.round(amount * 1_000_000) / 1_000_000;
}
