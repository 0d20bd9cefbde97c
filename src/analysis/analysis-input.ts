/**
 * The part of a schemaVersion-2 transcript the analysis needs; a stored
 * transcript document satisfies it structurally.
 */
export interface AnalysisTranscript {
  language: string | null;
  durationSeconds: number | null;
  speakers: Array<{ speakerId: string; label: string; displayName: string | null; role: 'USER' | 'CONTACT' | 'UNKNOWN' }>;
  segments: Array<{ id: string; speakerId: string; role: 'USER' | 'CONTACT' | 'UNKNOWN'; startSeconds: number; endSeconds: number; text: string }>;
}

export const EMAIL_PATTERN = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** A phone number: at least seven digits, possibly with spaces, dots, dashes or brackets. */
export const PHONE_PATTERN = /\+?\d[\d\s().-]{5,}\d/g;

export function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}
