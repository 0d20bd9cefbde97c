/**
 * Duration of a FLAC stream from its STREAMINFO block (always the first
 * metadata block): total samples over the sample rate. Undefined for anything
 * else, or when the encoder did not know the length (total samples 0).
 */
export function flacDurationSeconds(bytes: Buffer): number | undefined {
  if (bytes.length < 26 || bytes.toString('latin1', 0, 4) !== 'fLaC' || (bytes[4]! & 0x7f) !== 0) return undefined;
  // 20 bits of sample rate, 3 of channels, 5 of bits per sample, 36 of total samples, from byte 18.
  const sampleRate = (bytes[18]! << 12) | (bytes[19]! << 4) | (bytes[20]! >> 4);
  const totalSamples = (bytes[21]! & 0x0f) * 2 ** 32 + bytes.readUInt32BE(22);
  return sampleRate > 0 && totalSamples > 0 ? totalSamples / sampleRate : undefined;
}
