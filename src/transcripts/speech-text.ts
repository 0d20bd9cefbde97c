/**
 * Text clean-up for transcribed speech: Whisper's non-speech tags, stutters and
 * hallucinated phrase loops. Token based, so callers that carry timings per token
 * can run the same rules and keep each surviving token's time.
 */

const NON_SPEECH_PATTERNS: RegExp[] = [
  /\[[^\]]*\]/g,
  /\*[^*\n]{1,40}\*/g,
  /<[^>]{1,40}>/g,
  /♪[^♪]*♪/g,
  /[♪♫]/g,
];

/** Whisper writes sound events as "(laughs)" or "(speaking in foreign language)"; real speech is never parenthesised. */
const PARENTHESISED_EVENT = /\((?:\s*[\p{L}'-]+){1,5}\s*\)/gu;

const HYPHEN_STUTTER = /(?<![\p{L}\p{N}])([\p{L}\p{N}']+)(?:-\1){2,}(?![\p{L}\p{N}])/giu;

const MAX_LOOP_PHRASE_WORDS = 12;
const MIN_LOOP_REPETITIONS = 3;

/** Repeated until stable because removing an inner tag can expose an outer one: "(a (b) c)". */
export function stripNonSpeech(text: string): string {
  let current = text;
  for (;;) {
    let cleaned = current;
    for (const pattern of NON_SPEECH_PATTERNS) cleaned = cleaned.replace(pattern, ' ');
    cleaned = tidySpacing(cleaned.replace(PARENTHESISED_EVENT, ' ').replace(HYPHEN_STUTTER, '$1'));
    if (cleaned === current) return cleaned;
    current = cleaned;
  }
}

export function tidySpacing(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.!?;:…])/g, '$1')
    .trim();
}

/** Lower-case letters and digits only: how tokens are compared for loops and duplicates. */
export function tokenKey(token: string): string {
  return token.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

export function hasSpeech(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/**
 * Collapses a word or phrase repeated three or more times in a row to one
 * occurrence. Two repetitions stay ("that that", "thank you, thank you" are real
 * speech); Whisper's stutters and loops run longer. Repeated until nothing
 * changes, so the result contains no loop at all and collapsing again is a no-op.
 */
export function collapseRepetitions<T>(tokens: readonly T[], keyOf: (token: T) => string): T[] {
  let current = [...tokens];
  for (;;) {
    const next = collapseOnce(current, current.map(keyOf));
    if (next.length === current.length) return current;
    current = next;
  }
}

function collapseOnce<T>(tokens: T[], keys: string[]): T[] {
  const out: T[] = [];
  let index = 0;
  while (index < tokens.length) {
    const loop = loopAt(keys, index);
    if (!loop) {
      out.push(tokens[index]!);
      index += 1;
      continue;
    }
    const kept = tokens.slice(index, index + loop.length);
    // The last repetition carries the sentence-ending punctuation (and the latest time).
    kept[loop.length - 1] = tokens[index + loop.length * loop.repetitions - 1]!;
    out.push(...kept);
    index += loop.length * loop.repetitions;
  }
  return out;
}

function loopAt(keys: string[], start: number): { length: number; repetitions: number } | null {
  const maxLength = Math.min(MAX_LOOP_PHRASE_WORDS, Math.floor((keys.length - start) / MIN_LOOP_REPETITIONS));
  for (let length = 1; length <= maxLength; length++) {
    if (!phraseIsWords(keys, start, length)) continue;
    let repetitions = 1;
    while (samePhrase(keys, start, start + repetitions * length, length)) repetitions++;
    if (repetitions >= MIN_LOOP_REPETITIONS) return { length, repetitions };
  }
  return null;
}

function phraseIsWords(keys: string[], start: number, length: number): boolean {
  for (let i = start; i < start + length; i++) if (!keys[i]) return false;
  return true;
}

function samePhrase(keys: string[], first: number, second: number, length: number): boolean {
  if (second + length > keys.length) return false;
  for (let i = 0; i < length; i++) if (keys[first + i] !== keys[second + i]) return false;
  return true;
}

export function splitTokens(text: string): string[] {
  return text.split(' ').filter(Boolean);
}

/** Full clean-up of one utterance; idempotent. */
export function cleanSpeechText(text: string): string {
  const tokens = collapseRepetitions(splitTokens(stripNonSpeech(text)), tokenKey);
  return tidySpacing(tokens.join(' '));
}

/** Same words ignoring case and punctuation, or one inside the other with at most a fifth missing. */
export function nearlySameText(a: string, b: string): boolean {
  const keyA = splitTokens(a).map(tokenKey).filter(Boolean).join(' ');
  const keyB = splitTokens(b).map(tokenKey).filter(Boolean).join(' ');
  if (!keyA || !keyB) return false;
  if (keyA === keyB) return true;
  const [shorter, longer] = keyA.length <= keyB.length ? [keyA, keyB] : [keyB, keyA];
  return shorter.length >= 0.8 * longer.length && ` ${longer} `.includes(` ${shorter} `);
}

export function endsSentence(token: string): boolean {
  return /[.!?…।]["'”’)\]]*$/u.test(token);
}
