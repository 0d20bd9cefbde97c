/** One line of the scripted conversation the sandbox "hears" in any recording. */
export interface ScriptLine {
  speaker: string;
  text: string;
}

/** The default two-party call; test fixtures speak the same lines (espeak-ng). */
export const DEFAULT_SCRIPT: ScriptLine[] = [
  { speaker: 'SPEAKER_00', text: 'Hello, this is Ravi from Acme.' },
  { speaker: 'SPEAKER_01', text: 'Hi Ravi, Praveen here. Thanks for calling.' },
  { speaker: 'SPEAKER_00', text: 'I will send the proposal by Friday.' },
  { speaker: 'SPEAKER_01', text: 'Great, I will review it and call you back.' },
];

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

/** Spreads the script over the recording's duration, by word count, with short gaps. */
export function timeScript(script: ScriptLine[], durationSeconds: number): TimedLine[] {
  const gap = 0.3;
  const totalWords = script.reduce((sum, line) => sum + line.text.split(/\s+/).length, 0);
  const speaking = Math.max(0.5, durationSeconds - gap * (script.length + 1));
  let cursor = gap;
  return script.map((line) => {
    const words = line.text.split(/\s+/);
    const length = (speaking * words.length) / totalWords;
    const start = round(cursor);
    const timed = words.map((word, index) => ({
      word,
      start: round(cursor + (length * index) / words.length),
      end: round(cursor + (length * (index + 1)) / words.length),
      speaker: line.speaker,
    }));
    cursor += length + gap;
    return { ...line, start, end: round(start + length), words: timed };
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

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
