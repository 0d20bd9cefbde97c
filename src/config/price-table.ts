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
