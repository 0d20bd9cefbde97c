import { DEMO_CONVERSATIONS, type DemoConversation, type ScriptLine } from './demo-conversations.ts';
import { flacDurationSeconds } from './flac-duration.ts';

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

/**
 * Compressed uploads are assumed to be 24
 * kbps, a common phone-recorder rate; only
 * their length in seconds depends on it.
 */
const COMPRESSED_BYTES_PER_SECOND = 3_000;

/**
 * The recording's length as both sandbox providers hear it. When
 * preprocessing ran they receive different FLACs (the transcription variant is
 * also denoised, which drops a few samples at the end); when it did not, the
 * same original bytes. So this reads only what those share: the length a WAV or
 * FLAC header states, else the byte count. Rounded down to a tenth of a
 * second, so a few samples' difference could not move a turn boundary.
 */
export function heardDurationSeconds(bytes: Buffer): number {
  const seconds = wavDurationSeconds(bytes) ?? flacDurationSeconds(bytes) ?? bytes.length / COMPRESSED_BYTES_PER_SECOND;
  return Math.floor(seconds * 10) / 10;
}

/**
 * The demo call a recording of this length is heard as: the same length always, different lengths usually another call.
 */
export function demoConversationFor(durationSeconds: number): DemoConversation {
  return DEMO_CONVERSATIONS[Math.floor(durationSeconds) % DEMO_CONVERSATIONS.length]!;
}

/**
 * What a sandbox provider hears in a recording: the script a test set, else
 * the demo call its length picks, timed over it. Diarization turns and
 * transcript segments are both these lines, so they line up exactly.
 */
export function heardLines(durationSeconds: number, script: ScriptLine[] | null): TimedLine[] {
  if (script) return timeScript(script, durationSeconds);
  return timeScript(linesThatFit(demoConversationFor(durationSeconds).lines, durationSeconds), durationSeconds);
}

/**
 * Far faster than anyone talks: it bounds only how much of a demo call is
 * squeezed into a recording, so one of a dozen seconds or more (the committed
 * 13-second fixture) is heard whole, and a shorter one hears only its opening
 * lines (always the first), none running past the end of the audio.
 */
const MAX_WORDS_PER_SECOND = 15;
const TURN_GAP_SECONDS = 0.3;

/** The opening lines of a demo call that can be said, with timeScript's gaps, within the recording. */
export function linesThatFit(lines: readonly ScriptLine[], durationSeconds: number): ScriptLine[] {
  let seconds = TURN_GAP_SECONDS;
  const fitting = lines.filter((line) => {
    seconds += wordsOf(line.text).length / MAX_WORDS_PER_SECOND + TURN_GAP_SECONDS;
    return seconds <= durationSeconds;
  });
  return fitting.length > 0 ? fitting : lines.slice(0, 1);
}

/** Spreads the script over the recording's duration, by word count, with short gaps between turns. */
export function timeScript(script: ScriptLine[], durationSeconds: number): TimedLine[] {
  const gap = TURN_GAP_SECONDS;
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

/**
 * Whether a recording is silent as the sandbox hears it: a 16-bit PCM WAV
 * whose loudest sample stays under -50 dBFS, the level the pipeline's own
 * no-speech check uses. Anything it cannot decode is heard as speech.
 */
export function heardSilence(bytes: Buffer): boolean {
  const data = wavPcm16Data(bytes);
  if (!data || data.length < 2) return false;
  const threshold = Math.round(32768 * 10 ** (-50 / 20));
  for (let offset = 0; offset + 1 < data.length; offset += 2) {
    if (Math.abs(data.readInt16LE(offset)) >= threshold) return false;
  }
  return true;
}

function wavPcm16Data(bytes: Buffer): Buffer | undefined {
  const isWav =
    bytes.length >= 44 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WAVE';
  if (!isWav) return undefined;
  let offset = 12;
  let pcm16 = false;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('latin1', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ') pcm16 = bytes.readUInt16LE(offset + 8) === 1 && bytes.readUInt16LE(offset + 22) === 16;
    if (id === 'data') return pcm16 ? bytes.subarray(offset + 8, Math.min(bytes.length, offset + 8 + size)) : undefined;
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

/** Duration of a PCM WAV from its header; undefined for anything else. */
export function wavDurationSeconds(bytes: Buffer): number | undefined {
  if (bytes.length < 44 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE')
    return undefined;
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
