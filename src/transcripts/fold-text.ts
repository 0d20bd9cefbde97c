/**
 * The one place text is made comparable for cue matching. A name reaches us
 * typed by a user, saved in an address book or written by a transcription
 * provider, in any script and in either Unicode form; all of them are compared
 * only in this folded form, while what is shown keeps its original spelling.
 * Everything here makes a fixed number of passes over its input, so no input
 * length makes it slow.
 */

/**
 * Accents on Latin, Greek and Cyrillic letters are spelling variants of one
 * name ("José", "Jose"). Marks of other scripts (Devanagari vowel signs) are
 * part of the letter and stay.
 */
const COMBINING_DIACRITICS = /[\u0300-\u036f]/g;
const RIGHT_QUOTES = /[’‘ʼ]/g;
/** Greek writes a word-final sigma differently; it is the same letter. */
const FINAL_SIGMA = /ς/g;
const NON_WORD_RUN = /[^\p{L}\p{M}\p{N}']+/u;

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** NFC, locale-independent lower case, no accents, one apostrophe. */
export function foldText(text: string): string {
  // Most transcript words are ASCII, for which every step but the lower-casing is the identity.
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  return text
    .normalize('NFC')
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_DIACRITICS, '')
    .normalize('NFC')
    .replace(FINAL_SIGMA, 'σ')
    .replace(RIGHT_QUOTES, "'");
}

/** Word tokens of already folded text: letters, marks and digits, with inner apostrophes ("o'brien", "i'm"). */
export function splitFoldedWords(folded: string): string[] {
  const words: string[] = [];
  for (const piece of folded.split(NON_WORD_RUN)) {
    const word = trimChar(piece, "'");
    if (word) words.push(word);
  }
  return words;
}

/** Index scanning instead of /^x+|x+$/, whose end-anchored half rescans a long run from every position in it. */
export function trimChar(text: string, char: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === char) start++;
  while (end > start && text[end - 1] === char) end--;
  return text.slice(start, end);
}

/**
 * `text` without the leading characters `dropStart` accepts and the trailing
 * ones `dropEnd` accepts, judged by code point so astral letters are seen whole.
 */
export function trimWhile(
  text: string,
  dropStart: (char: string) => boolean,
  dropEnd: (char: string) => boolean,
): string {
  let start = 0;
  while (start < text.length) {
    const char = String.fromCodePoint(text.codePointAt(start)!);
    if (!dropStart(char)) break;
    start += char.length;
  }
  let end = text.length;
  while (end > start) {
    const char = lastCodePoint(text, end);
    if (!dropEnd(char)) break;
    end -= char.length;
  }
  return text.slice(start, end);
}

function lastCodePoint(text: string, end: number): string {
  const low = text.charCodeAt(end - 1);
  const high = end >= 2 ? text.charCodeAt(end - 2) : 0;
  const pair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
  return pair ? text.slice(end - 2, end) : text[end - 1]!;
}
