/**
 * Text clean-up for transcribed speech: Whisper's non-speech tags, stutters and
 * hallucinated phrase loops. Token based, so callers that carry timings per token
 * can run the same rules and keep each surviving token's time.
 */

/**
 * Each of these scans a bounded stretch or stops at the next delimiter, so one
 * pass is linear. "[...]" is not among them: its unbounded body rescans the rest
 * of the text from every unclosed "[", see stripSquareTags.
 */
const NON_SPEECH_PATTERNS: RegExp[] = [/\*[^*\n]{1,40}\*/g, /<[^>]{1,40}>/g, /♪[^♪]*♪/g, /[♪♫]/g];

/**
 * Whisper writes sound events as "(laughs)" or "(speaking in foreign language)";
 * real speech is never parenthesised. Words are separated by required
 * whitespace: with optional whitespace one long word could be split among the
 * five repetitions in exponentially many ways before the match fails.
 */
const PARENTHESISED_EVENT_BODY = /^\s*[\p{L}'-]+(?:\s+[\p{L}'-]+){0,4}\s*$/u;

/**
 * The apostrophe in the lookbehind keeps a match from starting inside a word
 * like "a'a'a…", where every start would rescan the rest of the word.
 */
const HYPHEN_STUTTER = /(?<![\p{L}\p{N}'])([\p{L}\p{N}']+)(?:-\1){2,}(?![\p{L}\p{N}])/giu;

/** A crafted text can nest tags so that each pass uncovers one more; real speech settles in a few. */
const MAX_STRIP_PASSES = 16;

const MAX_LOOP_PHRASE_WORDS = 12;
const MIN_LOOP_REPETITIONS = 3;

/**
 * Repeated because removing one tag can expose another: "*(long event)*" fits the 40-character rule only once emptied.
 */
export function stripNonSpeech(text: string): string {
  let current = text;
  for (let pass = 0; pass < MAX_STRIP_PASSES; pass++) {
    let cleaned = stripSquareTags(current);
    for (const pattern of NON_SPEECH_PATTERNS) cleaned = cleaned.replace(pattern, ' ');
    cleaned = tidySpacing(stripParenthesisedEvents(cleaned).replace(HYPHEN_STUTTER, '$1'));
    if (cleaned === current) return cleaned;
    current = cleaned;
  }
  return current;
}

/** Each "[" up to the next "]": once no "]" follows a "[", none follows any later one either, so the scan stops. */
function stripSquareTags(text: string): string {
  const kept: string[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('[', from);
    const close = open < 0 ? -1 : text.indexOf(']', open + 1);
    if (close < 0) break;
    kept.push(text.slice(from, open), ' ');
    from = close + 1;
  }
  kept.push(text.slice(from));
  return kept.join('');
}

/**
 * Removes sound events innermost first, so "(a (b) c)" goes in one pass
 * instead of one pass per level. A pair that is not an event leaves every pair
 * around it holding a parenthesis, which no event may, so those are dropped
 * from the stack and nothing is ever checked twice.
 */
function stripParenthesisedEvents(text: string): string {
  const out: string[] = [];
  const opens: number[] = [];
  for (const piece of text.split(/([()])/)) {
    if (piece === '(') {
      opens.push(out.length);
      out.push(piece);
    } else if (piece === ')' && opens.length > 0) {
      const open = opens.pop()!;
      if (PARENTHESISED_EVENT_BODY.test(out.slice(open + 1).join(''))) {
        out.length = open;
        out.push(' ');
      } else {
        opens.length = 0;
        out.push(piece);
      }
    } else if (piece) {
      out.push(piece);
    }
  }
  return out.join('');
}

export function tidySpacing(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/ (?=[,.!?;:…])/g, '')
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
