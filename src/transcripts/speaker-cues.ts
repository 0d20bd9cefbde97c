/**
 * Textual cues the speaker resolver relies on: names, self-introductions,
 * greetings and the way people answer a phone. Matching is on whole words only
 * ("ram" is not in "program", "alice" is not "alicia") and honorifics are
 * ignored, because a false name is worse than no name.
 *
 * Names come from users and address books and the text from a provider, so
 * neither is ever turned into a regular expression: both are split into folded
 * tokens once (fold-text.ts) and compared token by token. The only patterns
 * left are fixed: splits at separator runs, and tests anchored at both ends
 * that look at one token.
 */
import { foldText, splitFoldedWords, trimWhile } from './fold-text.ts';

const HONORIFICS = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mister',
  'sir',
  'madam',
  'madame',
  'shri',
  'shrimati',
  'smt',
  'dr',
  'doctor',
]);

const NOT_A_NAME = new Set([
  ...['i', 'it', 'its', 'this', 'that', 'the', 'a', 'an', 'and', 'or', 'but', 'not', 'just', 'so', 'very', 'really'],
  ...['here', 'there', 'calling', 'going', 'fine', 'good', 'great', 'okay', 'ok', 'sure', 'yes', 'yeah', 'no', 'hello'],
  ...['hi', 'hey', 'sorry', 'back', 'busy', 'available', 'speaking', 'me', 'him', 'her', 'he', 'she', 'they', 'we'],
  ...['you', 'your', 'my', 'our', 'about', 'regarding', 'from', 'with', 'at', 'what', 'who', 'why', 'how', 'when'],
  ...['today', 'tomorrow', 'actually', 'also', 'all', 'everyone', 'everybody', 'customer', 'support', 'care', 'team'],
  ...['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'thanks', 'thank', 'please'],
  ...['haan', 'ji', 'bolo', 'main', 'mai', 'bol', 'raha', 'rahi', 'hoon', 'hun'],
  ...['nobody', 'somebody', 'someone', 'everyone', 'anyone', 'nothing', 'something', 'everything', 'people'],
]);

const NAME_TOKEN = /^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'’-]*$/u;
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
const NAME_SEPARATORS = /[\s,;:()]+/;
const TRAILING_PUNCTUATION = new Set([',', '.', '!', '?', ';', ':']);

/**
 * Nobody says a name of more words than this in full. Leaving such a name
 * (or a first "name" that is a hyphenated chain) unmatched also keeps the
 * work per text token constant whatever a profile holds.
 */
const MAX_SPOKEN_NAME_WORDS = 8;

/** A way a person is called: compared by `key` with other names, found in text by its `words`. */
export interface NameVariant {
  key: string;
  words: readonly string[];
}

/** Folded word tokens of a person's name without honorifics; nothing for a name that is really a number. */
export function nameTokens(name: string | null | undefined): string[] {
  if (!name || /\d/.test(name)) return [];
  const tokens: string[] = [];
  for (const piece of name.split(NAME_SEPARATORS)) {
    const trimmed = trimWhile(
      piece,
      (c) => !isLetterOrMark(c),
      (c) => c !== '.' && !isLetterOrMark(c),
    );
    const folded = foldText(trimmed);
    const token = folded.endsWith('.') ? folded.slice(0, -1) : folded;
    if (token.length >= 2 && !HONORIFICS.has(token)) tokens.push(token);
  }
  return tokens;
}

/** The forms a person is called by in speech: the full name and the first name. */
export function nameVariants(name: string | null | undefined): NameVariant[] {
  const tokens = nameTokens(name);
  if (tokens.length === 0) return [];
  return [...new Set([tokens.join(' '), tokens[0]!])]
    .map((key) => ({ key, words: splitFoldedWords(key) }))
    .filter((v) => v.words.length > 0 && v.words.length <= MAX_SPOKEN_NAME_WORDS);
}

/** True when `candidate` (as spoken) is the same person as one of `variants`: same full name or same first name. */
export function sameName(candidate: string, variants: readonly NameVariant[]): boolean {
  const tokens = nameTokens(candidate);
  if (tokens.length === 0) return false;
  const full = tokens.join(' ');
  return variants.some((v) => v.key === full || v.key === tokens[0]);
}

function isLetterOrMark(char: string): boolean {
  return LETTER_OR_MARK.test(char);
}

/** One whitespace-separated piece of an utterance, as said (`raw`, `word`) and as compared (`key`). */
export interface CueChunk {
  raw: string;
  /** `raw` without trailing , . ! ? ; : */
  word: string;
  /** `word` folded, without leading punctuation such as quotes or brackets. */
  key: string;
}

/** An utterance tokenized once for every cue below. */
export interface CueText {
  chunks: readonly CueChunk[];
  /** Folded word tokens, split at any punctuation. */
  words: readonly string[];
  /** `words` without honorifics: "good morning Mr Sharma" greets Sharma. */
  greetingWords: readonly string[];
}

export function cueText(text: string): CueText {
  const chunks: CueChunk[] = [];
  const words: string[] = [];
  for (const raw of text.split(/\s+/)) {
    if (!raw) continue;
    const word = trimWhile(
      raw,
      () => false,
      (c) => TRAILING_PUNCTUATION.has(c),
    );
    const key = foldText(
      trimWhile(
        word,
        (c) => !WORD_CHAR.test(c),
        () => false,
      ),
    );
    chunks.push({ raw, word, key });
    for (const w of splitFoldedWords(key)) words.push(w);
  }
  return { chunks, words, greetingWords: words.filter((w) => !HONORIFICS.has(w)) };
}

/** Whether `parts` occur as consecutive tokens at `at`; the last may carry a possessive ("Ravi's"). */
function sequenceAt(tokens: readonly string[], at: number, parts: readonly string[], possessive = false): boolean {
  if (at < 0 || at + parts.length > tokens.length) return false;
  for (let k = 0; k < parts.length; k++) {
    const token = tokens[at + k]!;
    const part = parts[k]!;
    if (token === part) continue;
    const last = k === parts.length - 1;
    if (!(possessive && last && token.length === part.length + 2 && token.startsWith(part) && token.endsWith("'s")))
      return false;
  }
  return true;
}

export function mentionsName(text: CueText, variant: NameVariant): boolean {
  for (let i = 0; i < text.words.length; i++) if (sequenceAt(text.words, i, variant.words, true)) return true;
  return false;
}

export interface SelfIntroduction {
  name: string;
  organization: string | null;
}

/** Lead-ins after which an unknown capitalised word is taken as the speaker's own name. */
const OPEN_INTRO_LEADS: readonly string[][] = [
  ['this', 'is'],
  ['my', 'name', 'is'],
  ['my', "name's"],
  ['mera', 'naam'],
  ["you're", 'speaking', 'with'],
  ["you're", 'speaking', 'to'],
  ['you', 'are', 'speaking', 'with'],
  ['you', 'are', 'speaking', 'to'],
];
/** Lead-ins too common in ordinary speech ("I'm Fine", "it's Monday") to trust unless a known name follows. */
const KNOWN_ONLY_INTRO_LEADS: readonly string[][] = [
  ['i', 'am'],
  ["i'm"],
  ["it's"],
  ['it', 'is'],
  ['main'],
  ['mai'],
  ['mein'],
];

/**
 * The speaker's own name, when they say it: "this is Jimmy from DocuSign",
 * "my name is Ravi", "Ravi speaking". `knownVariants` are names from the user's
 * profile and the contact; weaker lead-ins count only for those. The earliest
 * introduction wins, so the scan stops at the first one.
 */
export function findSelfIntroduction(text: CueText, knownVariants: readonly NameVariant[]): SelfIntroduction | null {
  const { chunks } = text;
  for (let i = 0; i < chunks.length; i++) {
    const intro =
      introAfterLead(chunks, i, OPEN_INTRO_LEADS, knownVariants, false) ??
      introAfterLead(chunks, i, KNOWN_ONLY_INTRO_LEADS, knownVariants, true) ??
      (i === 0 ? trailingIntroAt(chunks, 0, knownVariants) : null) ??
      (opensTrailingIntro(chunks[i]!) ? trailingIntroAt(chunks, i + 1, knownVariants) : null);
    if (intro) return intro;
  }
  return null;
}

function introAfterLead(
  chunks: readonly CueChunk[],
  at: number,
  leads: readonly string[][],
  knownVariants: readonly NameVariant[],
  knownOnly: boolean,
): SelfIntroduction | null {
  const lead = leads.find((words) => words.every((w, k) => isBareWord(chunks[at + k], w)));
  return lead && at + lead.length < chunks.length
    ? nameAfter(chunks, at + lead.length, knownVariants, knownOnly)
    : null;
}

/** The chunk is exactly `word`, with no punctuation after it. */
function isBareWord(chunk: CueChunk | undefined, word: string): boolean {
  return chunk !== undefined && chunk.key === word && chunk.word === chunk.raw;
}

function nameAfter(
  chunks: readonly CueChunk[],
  from: number,
  knownVariants: readonly NameVariant[],
  knownOnly: boolean,
): SelfIntroduction | null {
  const nameWords: string[] = [];
  let next = from;
  for (const chunk of chunks.slice(from, from + 4)) {
    if (HONORIFICS.has(chunk.key) && nameWords.length === 0) {
      next++;
      continue;
    }
    if (!isCapitalisedName(chunk.word) || (nameWords.length > 0 && NOT_A_NAME.has(chunk.key))) break;
    next++;
    nameWords.push(chunk.word);
    if (nameWords.length === 2 || chunk.word !== chunk.raw) break;
  }
  const name = acceptName(nameWords, knownVariants, knownOnly);
  return name ? { name, organization: organizationIn(chunks, next) } : null;
}

function acceptName(
  words: readonly string[],
  knownVariants: readonly NameVariant[],
  knownOnly: boolean,
): string | null {
  const cleaned = words
    .map((w) =>
      trimWhile(
        w,
        () => false,
        (c) => TRAILING_PUNCTUATION.has(c),
      ),
    )
    .filter((w) => w && !HONORIFICS.has(foldText(w).replace(/\.$/, '')));
  if (cleaned.length === 0 || cleaned.length > 2) return null;
  if (!cleaned.every(isCapitalisedName)) return null;
  if (cleaned.some((w) => NOT_A_NAME.has(foldText(w)) || /['’]s$/i.test(w))) return null;
  const name = cleaned.join(' ');
  if (knownOnly && !sameName(name, knownVariants)) return null;
  return name;
}

/** Names are capitalised by Whisper; scripts without case (Devanagari) have no such signal and pass. */
function isCapitalisedName(word: string): boolean {
  return NAME_TOKEN.test(word) && /^[\p{Lu}\p{Lt}\p{Lo}]/u.test(word) && !/\d/.test(word);
}

/** Where a "Ravi speaking" may start: after a sentence end or a greeting ("Hello, Ravi speaking"). */
const TRAILING_INTRO_OPENERS = new Set(['hello', 'hi', 'hey', 'yes', 'yeah', 'haan', 'ji', 'namaste']);
const NAME_CHUNK = /^[\p{L}\p{M}.'’-]+$/u;
const LAST_NAME_CHUNK = /^[\p{L}\p{M}'’-]+$/u;

function opensTrailingIntro(chunk: CueChunk): boolean {
  if ('.!?'.includes(chunk.raw.at(-1)!)) return true;
  const after = chunk.raw.slice(chunk.word.length);
  return TRAILING_INTRO_OPENERS.has(chunk.key) && ['', ',', '!'].includes(after);
}

/**
 * "Ravi speaking", "Ravi here", Hindi "Ravi bol raha hoon": one to three name
 * chunks from `start`, shortest first. Only a closing "speaking." is
 * distinctive enough for an unknown name: "Right here" and "Public speaking is
 * hard" are not people.
 */
function trailingIntroAt(
  chunks: readonly CueChunk[],
  start: number,
  knownVariants: readonly NameVariant[],
): SelfIntroduction | null {
  for (let last = start; last < start + 3 && last < chunks.length; last++) {
    if (!NAME_CHUNK.test(chunks[last]!.raw)) return null;
    if (!LAST_NAME_CHUNK.test(chunks[last]!.raw)) continue;
    const tail = introTailAt(chunks, last + 1);
    if (!tail) continue;
    const name = acceptName(
      chunks.slice(start, last + 1).map((c) => c.raw),
      knownVariants,
      !tail.distinctive,
    );
    return name ? { name, organization: null } : null;
  }
  return null;
}

function introTailAt(chunks: readonly CueChunk[], at: number): { distinctive: boolean } | null {
  const chunk = chunks[at];
  if (!chunk) return null;
  if (chunk.key === 'speaking') return { distinctive: closesUtterance(chunks, at) };
  if (chunk.key === 'here') return { distinctive: false };
  const hindi = isBareWord(chunk, 'bol') && ['raha', 'rahi'].some((w) => isBareWord(chunks[at + 1], w));
  return hindi && ['hoon', 'hun'].includes(chunks[at + 2]?.key ?? '') ? { distinctive: false } : null;
}

/** The word is followed by . , ! ? or by nothing at all. */
function closesUtterance(chunks: readonly CueChunk[], at: number): boolean {
  const chunk = chunks[at]!;
  const after = chunk.raw.slice(chunk.word.length) || chunks[at + 1]?.raw;
  return after === undefined || '.,!?'.includes(after[0]!);
}

const ORGANIZATION_WORD = /^[\p{Lu}\p{N}][\p{L}\p{N}&.'’-]*$/u;

/** "… from DocuSign" in the rest of the same sentence; a lower-case phrase ("from the bank") is not a name. */
function organizationIn(chunks: readonly CueChunk[], from: number): string | null {
  const end = sentenceEnd(chunks, from);
  const lead = organizationStart(chunks, from, end);
  if (lead === null) return null;
  const words: string[] = [];
  for (const chunk of chunks.slice(lead, Math.min(end, lead + 3))) {
    if (!ORGANIZATION_WORD.test(chunk.word) || NOT_A_NAME.has(chunk.key)) break;
    words.push(chunk.word);
    if (chunk.word !== chunk.raw) break;
  }
  return words.length > 0 ? words.join(' ') : null;
}

/** Index just past the chunk that ends the sentence starting at `from`. */
function sentenceEnd(chunks: readonly CueChunk[], from: number): number {
  for (let i = from; i < chunks.length; i++) if ('.!?'.includes(chunks[i]!.raw.at(-1)!)) return i + 1;
  return chunks.length;
}

/** The first chunk after "from" anywhere in the sentence, or after a leading "with"/"at". */
function organizationStart(chunks: readonly CueChunk[], from: number, end: number): number | null {
  for (let i = from; i < end - 1; i++) if (isBareWord(chunks[i], 'from')) return i + 1;
  const leadsWith = isBareWord(chunks[from], 'with') || isBareWord(chunks[from], 'at');
  return leadsWith && from < end - 1 ? from + 1 : null;
}

const GREETING_WORDS = new Set([
  'hi',
  'hello',
  'hey',
  'hii',
  'hallo',
  'helo',
  'hullo',
  'namaste',
  'namaskar',
  'morning',
  'afternoon',
  'evening',
]);
const SELF_INTRO_TAILS = new Set(['speaking', 'here', 'bol']);
const MAX_TOKENS_BETWEEN_GREETING_AND_NAME = 2;

/**
 * Whether `text` greets someone called `variant` ("hi Ravi", "good morning Mr
 * Sharma", "hello there Ravi"): the name starts within two words of the
 * greeting, honorifics not counted. "Hello, Ravi speaking" is an introduction,
 * not a greeting.
 */
export function greetsName(text: CueText, variant: NameVariant): boolean {
  const tokens = text.greetingWords;
  for (let i = 0; i < tokens.length; i++) {
    if (!GREETING_WORDS.has(tokens[i]!)) continue;
    for (let gap = 1; gap <= MAX_TOKENS_BETWEEN_GREETING_AND_NAME + 1; gap++) {
      if (!sequenceAt(tokens, i + gap, variant.words)) continue;
      const next = tokens[i + gap + variant.words.length];
      if (next === undefined || !SELF_INTRO_TAILS.has(next)) return true;
    }
  }
  return false;
}

const ANSWERING_OPENERS: readonly string[][] = [
  ['hello'],
  ['hallo'],
  ['helo'],
  ['hullo'],
  ['hellow'],
  ['yes'],
  ['yeah'],
  ['yep'],
  ['ya'],
  ['speaking'],
  ['go', 'ahead'],
  ['who', 'is', 'this'],
  ["who's", 'this'],
  ['whos', 'this'],
  ['who', 'is', 'speaking'],
  ['haan'],
  ['han'],
  ['haa'],
  ['haanji'],
  ['bolo'],
  ['boliye'],
  ['ji'],
];
const MAX_ANSWER_WORDS = 6;

/** A short phone-answering utterance: "Hello?", "Yes, speaking", "Haan, bolo", "Who is this?". */
export function isAnsweringPhrase(text: CueText): boolean {
  const tokens = text.words;
  if (tokens.length === 0 || tokens.length > MAX_ANSWER_WORDS) return false;
  return ANSWERING_OPENERS.some((phrase) => sequenceAt(tokens, 0, phrase));
}
