import { openAsBlob } from 'node:fs';
import type { AudioInput, TranscriptionHints, TranscriptionPort } from '../../pipeline/provider-ports.ts';
import { castPrompt } from '../sandbox/cast.ts';
import { fetchWithDeadline, httpFailure, malformedResponse, networkFailure } from '../provider-error.ts';
import { NO_METER, type ProviderMeter } from '../provider-meter.ts';
import type { RequestBudget } from '../request-budget.ts';

export interface LemonfoxOptions {
  apiKey: string;
  baseUrl: string;
  model: string;
  language?: string | undefined;
  timeoutMs: number;
  meter?: ProviderMeter;
  /** Shared by every worker; Lemonfox publishes no limit, so this is the configured one. */
  budget?: RequestBudget;
  /**
   * Name the speakers in Whisper's `prompt`. On for the sandbox only, which
   * casts its demo call with them; the real API is not sent the contact's name.
   */
  namesInPrompt?: boolean;
}

/**
 * Lemonfox speech-to-text (Whisper-compatible), synchronous mode. Plain
 * fetch + FormData: the OpenAI SDK cannot send `speaker_labels`, and a wrong
 * key silently yields `speaker: null`.
 */
export function createLemonfoxClient(options: LemonfoxOptions): TranscriptionPort {
  const meter = options.meter ?? NO_METER;
  return {
    provider: 'lemonfox',
    model: options.model,
    async transcribe(audio: AudioInput, signal: AbortSignal, hints: TranscriptionHints = {}): Promise<string> {
      const form = new FormData();
      form.append('file', await openAsBlob(audio.path, { type: audio.contentType }), audio.filename);
      form.append('model', options.model);
      form.append('response_format', 'verbose_json');
      form.append('speaker_labels', 'true');
      form.append('timestamp_granularities[]', 'word');
      form.append('timestamp_granularities[]', 'segment');
      form.append('task', 'transcribe');
      if (options.language) form.append('language', options.language);
      const prompt = options.namesInPrompt
        ? castPrompt({ user: hints.userName, contact: hints.contactName })
        : undefined;
      if (prompt) form.append('prompt', prompt);
      const response = await fetchWithDeadline(
        'lemonfox',
        `${options.baseUrl.replace(/\/$/, '')}/audio/transcriptions`,
        { method: 'POST', headers: { authorization: `Bearer ${options.apiKey}` }, body: form },
        options.timeoutMs,
        signal,
        meter,
        options.budget,
      );
      if (!response.ok) throw httpFailure('lemonfox', response.status, response.headers);
      const text = await response.text().catch((error: unknown) => {
        throw networkFailure('lemonfox', error);
      });
      const { durationSeconds } = assertTranscript(text);
      meter.usage('lemonfox', { audioSeconds: durationSeconds });
      return text;
    },
  };
}

/**
 * Checks the verbose JSON is a transcript, and reads the audio duration it was
 * billed for. One with no speech is an answer, not a failure: the call then
 * completes with an empty transcript that says so (docs/decisions.md).
 */
function assertTranscript(text: string): { durationSeconds: number | undefined } {
  let parsed: { text?: unknown; segments?: unknown; duration?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw malformedResponse('lemonfox');
  }
  if (!parsed || typeof parsed !== 'object' || (!Array.isArray(parsed.segments) && typeof parsed.text !== 'string'))
    throw malformedResponse('lemonfox');
  return {
    durationSeconds:
      typeof parsed.duration === 'number' && Number.isFinite(parsed.duration) ? parsed.duration : undefined,
  };
}
