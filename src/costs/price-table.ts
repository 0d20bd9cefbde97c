/**
 * What a provider charges per unit, in US dollars. The defaults are the
 * providers' published prices where they are known here, and zero where not:
 * set the SCRYON_PRICE_* variables to your contract's figures.
 *
 * - OpenAI gpt-4o-mini: $0.15 per 1M input tokens, $0.60 per 1M output tokens,
 *   as OpenAI published it at the model's launch (read 2024-07-18; not
 *   re-checked since, this machine has no internet). Another model needs its
 *   own figures.
 * - Lemonfox transcription and pyannoteAI diarization: unknown here (their
 *   pricing pages are not in the reference store), so 0 per audio hour.
 */
export interface PriceTable {
  transcriptionPerAudioHour: number;
  diarizationPerAudioHour: number;
  llmInputPerMillionTokens: number;
  llmOutputPerMillionTokens: number;
}

export const DEFAULT_PRICES: PriceTable = {
  transcriptionPerAudioHour: 0,
  diarizationPerAudioHour: 0,
  llmInputPerMillionTokens: 0.15,
  llmOutputPerMillionTokens: 0.6,
};

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

/** Dollars to the micro-dollar, the precision every cost is stored and shown in (sums of floats would otherwise show their noise). */
export function toMicroDollars(amount: number): number {
  return Math.round(amount * 1_000_000) / 1_000_000;
}
