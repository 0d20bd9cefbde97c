import type { TimedLine } from './conversation-script.ts';

/**
 * Who speaks in the sandbox's demo calls: the scripts are written for Ravi
 * (the contact, from Acme) and Praveen (the user), and are cast with the
 * upload's contactName and the user's display name, so the transcript tells
 * the upload's story. The names reach the sandbox the way a Whisper client
 * passes vocabulary, in the transcription request's `prompt`.
 */
export interface Cast {
  contact: string;
  user: string;
}

export const SCRIPT_CAST: Cast = { contact: 'Ravi', user: 'Praveen' };

/** A name as the sandbox will say it: letters, apostrophes, hyphens and dots, at most four words. */
export function sayableName(name: string | null | undefined): string | undefined {
  const words = (name ?? '')
    .normalize('NFC')
    .split(/\s+/)
    .map((word) => word.replace(/[^\p{L}\p{M}'’.-]/gu, '').slice(0, 30))
    .filter(Boolean)
    .slice(0, 4);
  return words.length > 0 ? words.join(' ') : undefined;
}

const PROMPT = /^Call between (.+) \(user\) and (.+) \(contact\)\.$/u;

/** The prompt that names a call's speakers; undefined when neither has a name. */
export function castPrompt(names: { user?: string | null; contact?: string | null }): string | undefined {
  const user = sayableName(names.user);
  const contact = sayableName(names.contact);
  if (!user && !contact) return undefined;
  return `Call between ${user ?? SCRIPT_CAST.user} (user) and ${contact ?? SCRIPT_CAST.contact} (contact).`;
}

export function castFromPrompt(prompt: unknown): Cast {
  const match = typeof prompt === 'string' ? PROMPT.exec(prompt) : null;
  if (!match) return SCRIPT_CAST;
  return { user: sayableName(match[1]) ?? SCRIPT_CAST.user, contact: sayableName(match[2]) ?? SCRIPT_CAST.contact };
}

/** A script text with its names replaced: the story the analysis tells, cast like the transcript. */
export function castText(text: string, cast: Cast): string {
  return text.replace(/\bRavi\b/g, cast.contact).replace(/\bPraveen\b/g, cast.user);
}

/**
 * Timed lines with the cast's names said in place of the script's. Each name
 * takes the time its script name took, so the line's span (which diarization
 * reports from the uncast script) is unchanged.
 */
export function castLines(lines: TimedLine[], cast: Cast): TimedLine[] {
  if (cast.contact === SCRIPT_CAST.contact && cast.user === SCRIPT_CAST.user) return lines;
  return lines.map((line) => {
    const words = line.words.flatMap((word) => {
      const replaced = castText(word.word, cast);
      if (replaced === word.word) return [word];
      const parts = replaced.split(' ');
      const step = (word.end - word.start) / parts.length;
      const at = (index: number) => Math.round((word.start + step * index) * 100) / 100;
      const endOf = (index: number) => (index === parts.length - 1 ? word.end : at(index + 1));
      return parts.map((part, index) => ({ ...word, word: part, start: at(index), end: endOf(index) }));
    });
    return { ...line, text: castText(line.text, cast), words };
  });
}
