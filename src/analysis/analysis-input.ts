/**
 * The part of a schemaVersion-2 transcript the analysis needs; a stored
 * transcript document satisfies it structurally.
 */
export interface AnalysisTranscript {
  language: string | null;
  durationSeconds: number | null;
  speakers: Array<{
    speakerId: string;
    label: string;
    displayName: string | null;
    role: 'USER' | 'CONTACT' | 'UNKNOWN';
  }>;
  segments: Array<{
    id: string;
    speakerId: string;
    role: 'USER' | 'CONTACT' | 'UNKNOWN';
    startSeconds: number;
    endSeconds: number;
    text: string;
  }>;
}

/**
 * An email address, found in linear time: a match may only start where a
 * local part starts. Without that, every position inside a long word with no
 * "@" rescans the rest of the word. A leftmost match starts there anyway; only
 * an address glued without a space to the one before it is no longer found.
 */
export const EMAIL_PATTERN = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** A phone number: at least seven digits, possibly with spaces, dots, dashes or brackets. */
export const PHONE_PATTERN = /\+?\d[\d\s().-]{5,}\d/g;

export function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}
