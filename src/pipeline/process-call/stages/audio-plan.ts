/** Where a call's audio lives for the stages after preprocessing; storage keys only. */
export interface AudioPlan {
  originalKey: string;
  originalContentType: string;
  /** Mono 16 kHz loudness-normalised variant, when preprocessing worked. */
  diarizationKey: string | null;
  /** The same plus high-pass and denoise, when preprocessing worked. */
  transcriptionKey: string | null;
  durationSeconds: number | null;
  /**
   * false: the recording is silent (no-speech check in detect-sound.ts), so
   * nothing is sent to a provider. Absent or null: not measured (older
   * histories, preprocessing that did not run); transcription measures it then.
   */
  audible?: boolean | null;
}
