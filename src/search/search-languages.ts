/**
 * The PostgreSQL text-search configuration a transcript's words are stemmed
 * with, from the language its transcriber named (Whisper says `english`,
 * other providers `en`). A language PostgreSQL does not stem is indexed
 * word for word (`simple`), and still found. Only configurations PostgreSQL 15
 * already ships (Estonian came with 16): the query is stemmed by every one.
 */
const CONFIG_BY_ISO_CODE = {
  ar: 'arabic',
  ca: 'catalan',
  da: 'danish',
  de: 'german',
  el: 'greek',
  en: 'english',
  es: 'spanish',
  eu: 'basque',
  fi: 'finnish',
  fr: 'french',
  ga: 'irish',
  hi: 'hindi',
  hu: 'hungarian',
  hy: 'armenian',
  id: 'indonesian',
  it: 'italian',
  lt: 'lithuanian',
  ne: 'nepali',
  nl: 'dutch',
  no: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sr: 'serbian',
  sv: 'swedish',
  ta: 'tamil',
  tr: 'turkish',
  yi: 'yiddish',
} as const;

export type SearchConfig = (typeof CONFIG_BY_ISO_CODE)[keyof typeof CONFIG_BY_ISO_CODE] | 'simple';

/** Every configuration an entry may be stored with; a query is stemmed by each of them. */
export const SEARCH_CONFIGS: readonly SearchConfig[] = ['simple', ...Object.values(CONFIG_BY_ISO_CODE)];

const KNOWN = new Set<string>(SEARCH_CONFIGS);

export function searchConfigOf(language: string | null | undefined): SearchConfig {
  const name = (language ?? '').trim().toLowerCase();
  if (KNOWN.has(name)) return name as SearchConfig;
  const code = name.split(/[-_]/)[0] as keyof typeof CONFIG_BY_ISO_CODE;
  return CONFIG_BY_ISO_CODE[code] ?? 'simple';
}
