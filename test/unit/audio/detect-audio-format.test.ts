import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectAudioFormat } from '../../../src/audio/detect-audio-format.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/audio/${name}`, import.meta.url)).subarray(0, 4100);
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const padded = (head: Buffer) => Buffer.concat([head, Buffer.alloc(64)]);

describe('detectAudioFormat', () => {
  it.each([
    ['two-party-call.wav', 'wav', 'audio/wav'],
    ['two-party-call.mp3', 'mp3', 'audio/mpeg'],
    ['two-party-call.m4a', 'm4a', 'audio/mp4'],
    ['two-party-call.aac', 'aac', 'audio/aac'],
    ['two-party-call.ogg', 'ogg', 'audio/ogg'],
  ])('recognises %s by its bytes', async (name, format, contentType) => {
    expect(await detectAudioFormat(fixture(name))).toEqual({ format, contentType });
  });

  it.each([
    ['an Android recorder (isom)', 'isom'],
    ['MP4 v2', 'mp42'],
    ['an older phone (3GP)', '3gp4'],
  ])('stores the MP4 container of %s as m4a', async (_writer, brand) => {
    const head = padded(latin1(`\x00\x00\x00\x20ftyp${brand}\x00\x00\x00\x00mp42isom`));
    expect(await detectAudioFormat(head)).toEqual({ format: 'm4a', contentType: 'audio/mp4' });
  });

  it('refuses what is not audio, whatever its name', async () => {
    expect(await detectAudioFormat(padded(latin1('%PDF-1.7\n')))).toBeNull();
    expect(await detectAudioFormat(latin1('just some text that is not a recording'))).toBeNull();
    expect(await detectAudioFormat(Buffer.alloc(0))).toBeNull();
  });

  it('refuses a video container that is no phone recording', async () => {
    expect(
      await detectAudioFormat(
        padded(latin1('\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webm')),
      ),
    ).toBeNull();
  });
});
