import { AppError } from './app-error.ts';

/** Bytes as a person reads a limit: whole MB or KB when exact, else bytes. */
export function readableBytes(bytes: number): string {
  const units: Array<[string, number]> = [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ];
  for (const [unit, size] of units) if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${bytes} bytes`;
}

/**
 * A recording over MAX_FILE_SIZE: the message states the limit (and the size,
 * when the request declared it), so the client knows what would fit;
 * `details` carries both as numbers for code.
 */
export function fileTooLarge(maxBytes: number, declaredBytes?: number): AppError {
  const limit = `the maximum upload size is ${readableBytes(maxBytes)} (${maxBytes} bytes)`;
  const size =
    declaredBytes === undefined ? 'The file is larger than allowed' : `The request is ${declaredBytes} bytes`;
  return new AppError('payload_too_large', `${size}; ${limit}`, {
    maxBytes,
    ...(declaredBytes === undefined ? {} : { declaredBytes }),
  });
}
