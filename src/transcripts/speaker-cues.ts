/**
 * Textual cues the speaker resolver relies on: names, self-introductions,
 * greetings and the way people answer a phone. Matching is on whole words only
 * ("ram" is not in "program", "alice" is not "alicia") and honorifics are
 * ignored, because a false name is worse than no name.
 */

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mister', 'sir', 'madam', 'madame', 'shri', 'shrimati', 'smt', 'dr', 'doctor']);

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

const WORD_CHAR = String.raw`\p{L}\p{M}\p{N}`;
const NAME_TOKEN = new RegExp(String.raw`^[${WORD_CHAR}][${WORD_CHAR}'’-]*$`, 'u');

export function stripHonorifics(tokens: readonly string[]): string[] {
  return tokens.filter((t) => !HONORIFICS.has(t.toLowerCase().replace(/\.$/, '')));
}

/** Lower-cased word tokens of a person's name without honorifics; nothing for a name that is really a number. */
export function nameTokens(name: string | null | undefined): string[] {
  if (!name || /\d/.test(name)) return [];
  const words = name
    .split(/[\s,;:()]+/)
    .map((t) => t.replace(/^[^\p{L}\p{M}]+|[^\p{L}\p{M}.]+$/gu, ''))
    .filter(Boolean);
  return stripHonorifics(words).map((t) => t.replace(/\.$/, '').toLowerCase()).filter((t) => t.length >= 2);
}

/** The forms a person is called by in speech: the full name and the first name. */
export function nameVariants(name: string | null | undefined): string[] {
  const tokens = nameTokens(name);
  if (tokens.length === 0) return [];
  return [...new Set([tokens.join(' '), tokens[0]!])];
}

export function mentionsName(text: string, variant: string): boolean {
  return wholeWordPattern(variant).test(text);
}

const patternCache = new Map<string, RegExp>();

function wholeWordPattern(variant: string): RegExp {
  let pattern = patternCache.get(variant);
  if (!pattern) {
    const body = variant.split(' ').map(escapeRegExp).join(String.raw`[\s.,-]+`);
    pattern = new RegExp(String.raw`(?<![${WORD_CHAR}])${body}(?![${WORD_CHAR}])`, 'iu');
    patternCache.set(variant, pattern);
  }
  return pattern;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when `candidate` (as spoken) is the same person as one of `variants`: same full name or same first name. */
export function sameName(candidate: string, variants: readonly string[]): boolean {
  const tokens = nameTokens(candidate);
  if (tokens.length === 0 || variants.length === 0) return false;
  return variants.includes(tokens.join(' ')) || variants.includes(tokens[0]!);
}

export interface SelfIntroduction {
  name: string;
  organization: string | null;
}

/** Lead-ins after which an unknown capitalised word is taken as the speaker's own name. */
const OPEN_INTRO_LEADS = /(?<![\p{L}])(?:this\s+is|my\s+name\s+is|my\s+name['’]s|you(?:['’]re|\s+are)\s+speaking\s+(?:with|to)|mera\s+naam)\s+/giu;
/** Lead-ins too common in ordinary speech ("I'm Fine", "it's Monday") to trust unless a known name follows. */
const KNOWN_ONLY_INTRO_LEADS = /(?<![\p{L}])(?:i\s+am|i['’]m|it['’]s|it\s+is|main|mai|mein)\s+/giu;
/**
 * "Ravi speaking", "Ravi here", Hindi "Ravi bol raha hoon", at the start of a
 * sentence or after a greeting. Only a closing "speaking." is distinctive enough
 * for an unknown name: "Right here" and "Public speaking is hard" are not people.
 */
const TRAILING_INTRO =
  /(?:^|[.!?]\s+|(?:hello|hi|hey|yes|yeah|haan|ji|namaste)[,!]?\s+)((?:[\p{L}\p{M}.'’-]+\s+){0,2}?[\p{L}\p{M}'’-]+)\s+(speaking|here|bol\s+rah[ai]\s+h(?:oo|u)n)(?![\p{L}])(\s*[.,!?]|\s*$)?/giu;

/**
 * The speaker's own name, when they say it: "this is Jimmy from DocuSign",
 * "my name is Ravi", "Ravi speaking". `knownVariants` are names from the user's
 * profile and the contact; weaker lead-ins count only for those.
 */
export function findSelfIntroduction(text: string, knownVariants: readonly string[]): SelfIntroduction | null {
  const candidates: Array<{ index: number; intro: SelfIntroduction }> = [];
  for (const match of text.matchAll(OPEN_INTRO_LEADS)) {
    const intro = nameAfter(text, match.index + match[0].length, knownVariants, false);
    if (intro) candidates.push({ index: match.index, intro });
  }
  for (const match of text.matchAll(KNOWN_ONLY_INTRO_LEADS)) {
    const intro = nameAfter(text, match.index + match[0].length, knownVariants, true);
    if (intro) candidates.push({ index: match.index, intro });
  }
  for (const match of text.matchAll(TRAILING_INTRO)) {
    const distinctive = match[2]!.toLowerCase() === 'speaking' && match[3] !== undefined;
    const name = acceptName(match[1]!.split(/\s+/), knownVariants, !distinctive);
    if (name) candidates.push({ index: match.index, intro: { name, organization: null } });
  }
  candidates.sort((a, b) => a.index - b.index);
  return candidates[0]?.intro ?? null;
}

function nameAfter(text: string, from: number, knownVariants: readonly string[], knownOnly: boolean): SelfIntroduction | null {
  const rest = text.slice(from);
  const words = rest.split(/\s+/).slice(0, 4);
  const nameWords: string[] = [];
  let consumed = 0;
  for (const raw of words) {
    const word = raw.replace(/[,.!?;:]+$/, '');
    if (HONORIFICS.has(word.toLowerCase().replace(/\.$/, '')) && nameWords.length === 0) {
      consumed++;
      continue;
    }
    if (!isCapitalisedName(word) || (nameWords.length > 0 && NOT_A_NAME.has(word.toLowerCase()))) break;
    consumed++;
    nameWords.push(word);
    if (nameWords.length === 2 || word !== raw) break;
  }
  const name = acceptName(nameWords, knownVariants, knownOnly);
  if (!name) return null;
  const afterName = rest.split(/\s+/).slice(consumed).join(' ');
  return { name, organization: organizationIn(afterName) };
}

function acceptName(words: readonly string[], knownVariants: readonly string[], knownOnly: boolean): string | null {
  const cleaned = stripHonorifics(words.map((w) => w.replace(/[,.!?;:]+$/, ''))).filter(Boolean);
  if (cleaned.length === 0 || cleaned.length > 2) return null;
  if (!cleaned.every(isCapitalisedName)) return null;
  if (cleaned.some((w) => NOT_A_NAME.has(w.toLowerCase()) || /['’]s$/i.test(w))) return null;
  const name = cleaned.join(' ');
  if (knownOnly && !sameName(name, knownVariants)) return null;
  return name;
}

/** Names are capitalised by Whisper; scripts without case (Devanagari) have no such signal and pass. */
function isCapitalisedName(word: string): boolean {
  return NAME_TOKEN.test(word) && /^[\p{Lu}\p{Lo}]/u.test(word) && !/\d/.test(word);
}

const ORGANIZATION_LEAD = /^(?:.*?(?<![\p{L}])from|,?\s*(?:with|at))\s+(.*)$/iu;

/** "… from DocuSign" in the rest of the same sentence; a lower-case phrase ("from the bank") is not a name. */
function organizationIn(afterName: string): string | null {
  const sentence = afterName.split(/(?<=[.!?])\s/)[0] ?? '';
  const match = ORGANIZATION_LEAD.exec(sentence);
  if (!match) return null;
  const words: string[] = [];
  for (const raw of match[1]!.split(/\s+/).slice(0, 3)) {
    const word = raw.replace(/[,.!?;:]+$/, '');
    if (!/^[\p{Lu}\p{N}][\p{L}\p{N}&.'’-]*$/u.test(word) || NOT_A_NAME.has(word.toLowerCase())) break;
    words.push(word);
    if (word !== raw) break;
  }
  return words.length > 0 ? words.join(' ') : null;
}

const GREETING_WORDS = new Set(['hi', 'hello', 'hey', 'hii', 'hallo', 'helo', 'hullo', 'namaste', 'namaskar', 'morning', 'afternoon', 'evening']);
const SELF_INTRO_TAILS = new Set(['speaking', 'here', 'bol']);
const MAX_TOKENS_BETWEEN_GREETING_AND_NAME = 2;

/**
 * Whether `text` greets someone called `variant` ("hi Ravi", "good morning Mr
 * Sharma", "hello there Ravi"): the name starts within two words of the
 * greeting, honorifics not counted. "Hello, Ravi speaking" is an introduction,
 * not a greeting.
 */
export function greetsName(text: string, variant: string): boolean {
  const tokens = stripHonorifics(wordTokens(text));
  const nameParts = variant.split(' ');
  for (let i = 0; i < tokens.length; i++) {
    if (!GREETING_WORDS.has(tokens[i]!)) continue;
    for (let gap = 1; gap <= MAX_TOKENS_BETWEEN_GREETING_AND_NAME + 1; gap++) {
      const at = i + gap;
      if (!nameParts.every((part, k) => tokens[at + k] === part)) continue;
      const next = tokens[at + nameParts.length];
      if (next === undefined || !SELF_INTRO_TAILS.has(next)) return true;
    }
  }
  return false;
}

function wordTokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}'’]+/u)
    .map((t) => t.replace(/^['’]+|['’]+$/g, ''))
    .filter(Boolean);
}

const ANSWERING_OPENERS: readonly string[][] = [
  ['hello'], ['hallo'], ['helo'], ['hullo'], ['hellow'],
  ['yes'], ['yeah'], ['yep'], ['ya'], ['speaking'], ['go', 'ahead'],
  ['who', 'is', 'this'], ["who's", 'this'], ['who’s', 'this'], ['whos', 'this'], ['who', 'is', 'speaking'],
  ['haan'], ['han'], ['haa'], ['haanji'], ['bolo'], ['boliye'], ['ji'],
];
const MAX_ANSWER_WORDS = 6;

/** A short phone-answering utterance: "Hello?", "Yes, speaking", "Haan, bolo", "Who is this?". */
export function isAnsweringPhrase(text: string): boolean {
  const tokens = wordTokens(text);
  if (tokens.length === 0 || tokens.length > MAX_ANSWER_WORDS) return false;
  return ANSWERING_OPENERS.some((phrase) => phrase.every((word, k) => tokens[k] === word));
}
