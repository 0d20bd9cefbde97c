import { DEMO_CONVERSATIONS, type DemoConversation } from './demo-conversations.ts';

/** One line of a scripted conversation the sandbox "hears" in a recording. */
export interface ScriptLine {
  speaker: string;
  text: string;
}

export interface TimedWord {
  word: string;
  start: number;
  end: number;
  speaker: string;
}

export interface TimedLine extends ScriptLine {
  start: number;
  end: number;
  words: TimedWord[];
}

/** Compressed uploads are assumed to be 24 kbps, a common phone-recorder rate; only their length in seconds depends on it. */
const COMPRESSED_BYTES_PER_SECOND = 3_000;

/**
 * The recording's length as both sandbox providers hear it. When
 * preprocessing ran they receive different WAVs (the transcription variant is
 * also denoised) with the same samples; when it did not, the same original
 * bytes. So this reads only what those share: the WAV header's length, else
 * the byte count. Rounded down to a tenth of a second, so a few samples'
 * difference could not move a turn boundary.
 */
export function heardDurationSeconds(bytes: Buffer): number {
  const seconds = wavDurationSeconds(bytes) ?? bytes.length / COMPRESSED_BYTES_PER_SECOND;
  return Math.floor(seconds * 10) / 10;
}

/** The demo call a recording of this length is heard as: the same length always, different lengths usually another call. */
export function demoConversationFor(durationSeconds: number): DemoConversation {
  return DEMO_CONVERSATIONS[Math.floor(durationSeconds) % DEMO_CONVERSATIONS.length]!;
}

/**
 * What a sandbox provider hears in a recording: the script a test set, else
 * the demo call its length picks, timed over it. Diarization turns and
 * transcript segments are both these lines, so they line up exactly.
 */
export function heardLines(durationSeconds: number, script: ScriptLine[] | null): TimedLine[] {
  return timeScript(script ?? demoConversationFor(durationSeconds).lines, durationSeconds);
}

/** Spreads the script over the recording's duration, by word count, with short gaps between turns. */
export function timeScript(script: ScriptLine[], durationSeconds: number): TimedLine[] {
  const gap = 0.3;
  const totalWords = script.reduce((sum, line) => sum + wordsOf(line.text).length, 0);
  const speaking = Math.max(0.5, durationSeconds - gap * (script.length + 1));
  let cursor = gap;
  return script.map((line) => {
    const words = wordsOf(line.text);
    const length = (speaking * words.length) / totalWords;
    const timed = words.map((word, index) => ({
      word,
      start: round(cursor + (length * index) / words.length),
      end: round(cursor + (length * (index + 1)) / words.length),
      speaker: line.speaker,
    }));
    cursor += length + gap;
    // The turn is exactly its words' span, so every word lies inside its speaker's turn.
    return { ...line, start: timed[0]?.start ?? round(cursor), end: timed.at(-1)?.end ?? round(cursor), words: timed };
  });
}

/** Duration of a PCM WAV from its header; undefined for anything else. */
export function wavDurationSeconds(bytes: Buffer): number | undefined {
  if (bytes.length < 44 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('latin1', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ') byteRate = bytes.readUInt32LE(offset + 16);
    if (id === 'data' && byteRate > 0) return Math.min(size, bytes.length - offset - 8) / byteRate;
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
