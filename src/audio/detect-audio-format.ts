import { fileTypeFromBuffer } from 'file-type';

/** The formats a call's recording is stored in. */
export const AUDIO_FORMATS = ['m4a', 'mp3', 'wav', 'aac', 'ogg'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

export interface DetectedAudio {
  format: AudioFormat;
  contentType: string;
}

/** The content type each stored format is written with. */
export const AUDIO_CONTENT_TYPES: Readonly<Record<AudioFormat, string>> = {
  m4a: 'audio/mp4',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
};

/**
 * What file-type names a recording phones make, by its extension. Phone
 * recorders write MP4 containers under several brands (`M4A `, `isom`,
 * `mp42`, 3GP on older phones), all stored and decoded as m4a; an Ogg file is
 * accepted whatever codec it carries, since ffmpeg decodes each.
 */
const FORMAT_OF_EXTENSION: Readonly<Record<string, AudioFormat>> = {
  m4a: 'm4a',
  m4b: 'm4a',
  f4a: 'm4a',
  mp4: 'm4a',
  mov: 'm4a',
  '3gp': 'm4a',
  '3g2': 'm4a',
  mp3: 'mp3',
  wav: 'wav',
  aac: 'aac',
  ogg: 'ogg',
  oga: 'ogg',
  ogx: 'ogg',
  opus: 'ogg',
  spx: 'ogg',
};

/**
 * The format from the leading bytes alone (file-type's magic numbers), never
 * from the client's Content-Type or file name. Works on the first 4,100
 * bytes of a stream, so an upload is rejected before it is stored.
 */
export async function detectAudioFormat(head: Uint8Array): Promise<DetectedAudio | null> {
  const type = await fileTypeFromBuffer(head);
  const format = type && Object.hasOwn(FORMAT_OF_EXTENSION, type.ext) ? FORMAT_OF_EXTENSION[type.ext] : undefined;
  return format ? { format, contentType: AUDIO_CONTENT_TYPES[format] } : null;
}
