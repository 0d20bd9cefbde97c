import type { z } from 'zod';
import { AppError } from '../errors/app-error.ts';
import { refuseUnstorableText } from '../validation/storable-text.ts';
import { uploadMetadataSchema, type UploadMetadata } from './call-schemas.ts';

/** Flat legacy form fields the Android app used before the `metadata` part; ignored when it is present. */
const FLAT_FIELDS = [
  'title',
  'contactName',
  'contactId',
  'phoneNumber',
  'organization',
  'direction',
  'recordedAt',
  'durationSeconds',
] as const;

/**
 * Turns the text parts of an upload into validated metadata. `metadata` may
 * be omitted (every key is optional); the `title` part fills in a missing
 * title. Every problem is reported per field as 400 validation_failed.
 */
export function parseUploadForm(fields: ReadonlyMap<string, string>): UploadMetadata {
  const metadataText = fields.get('metadata');
  const raw = metadataText !== undefined ? parseMetadataJson(metadataText) : flatMetadata(fields);
  const parsed = uploadMetadataSchema.safeParse(raw);
  if (!parsed.success) throw metadataError(parsed.error);
  const title = parsed.data.title ?? fields.get('title')?.trim();
  const metadata = { ...parsed.data, ...(title ? { title } : {}) };
  refuseUnstorableText(metadata, 'metadata');
  return metadata;
}

function parseMetadataJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('validation_failed', 'The metadata part is not valid JSON', {
      fields: { metadata: 'not valid JSON' },
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('validation_failed', 'The metadata part must be a JSON object', {
      fields: { metadata: 'not a JSON object' },
    });
  }
  return value;
}

function flatMetadata(fields: ReadonlyMap<string, string>): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  for (const name of FLAT_FIELDS) {
    const value = fields.get(name);
    if (value === undefined || value === '') continue;
    metadata[name] = name === 'durationSeconds' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return metadata;
}

function metadataError(error: z.ZodError): AppError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[`metadata.${issue.path.join('.')}`] ??= issue.message;
  return new AppError('validation_failed', 'The metadata is invalid', { fields });
}
