export type AudioFormat = 'm4a' | 'mp3' | 'wav' | 'aac' | 'ogg';

export interface DetectedAudio {
  format: AudioFormat;
  contentType: string;
}

const CONTENT_TYPES: Record<AudioFormat, string> = {
  m4a: 'audio/mp4',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
};

/** MP4 brands an audio recorder writes (Android writes isom/mp42/M4A; 3GP from older phones). */
const MP4_BRANDS = new Set([
  'M4A ',
  'M4B ',
  'mp41',
  'mp42',
  'isom',
  'iso2',
  'iso4',
  'iso5',
  'iso6',
  'dash',
  '3gp4',
  '3gp5',
  '3gp6',
  '3g2a',
  'qt  ',
  'MSNV',
  'NDAS',
  'F4A ',
]);

/**
 * The format from the leading bytes alone, never from the client's
 * Content-Type or file name. Works on the first chunk of a stream (a few
 * hundred bytes suffice), so an upload is rejected before it is stored.
 */
export function detectAudioFormat(head: Buffer): DetectedAudio | null {
  const format = formatOf(head);
  return format ? { format, contentType: CONTENT_TYPES[format] } : null;
}

function formatOf(head: Buffer): AudioFormat | null {
  if (head.length < 12) return null;
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') return 'wav';
  if (ascii(head, 0, 4) === 'OggS') return 'ogg';
  if (ascii(head, 4, 8) === 'ftyp' && MP4_BRANDS.has(ascii(head, 8, 12))) return 'm4a';
  if (ascii(head, 0, 3) === 'ID3') return frameAfterId3(head);
  return frameSync(head, 0);
}

/** An ID3v2 tag may precede MP3 (or, rarely, ADTS AAC) frames. */
function frameAfterId3(head: Buffer): AudioFormat | null {
  const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
  const offset = 10 + size;
  // The frame after a long tag may lie beyond the sniffed head; the tag itself marks an MP3 file.
  return offset + 2 <= head.length ? (frameSync(head, offset) ?? 'mp3') : 'mp3';
}

/** 0xFFF… sync word: layer bits 00 mean ADTS (AAC), anything else an MPEG audio frame. */
function frameSync(head: Buffer, offset: number): AudioFormat | null {
  const first = head[offset];
  const second = head[offset + 1];
  if (first !== 0xff || second === undefined || (second & 0xe0) !== 0xe0) return null;
  if ((second & 0xf6) === 0xf0) return 'aac';
  const layer = (second >> 1) & 0x03;
  const version = (second >> 3) & 0x03;
  return layer !== 0 && version !== 1 ? 'mp3' : null;
}

function ascii(buffer: Buffer, start: number, end: number): string {
  return buffer.toString('latin1', start, end);
}
