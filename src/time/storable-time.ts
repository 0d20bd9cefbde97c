import { z } from 'zod';

/**
 * The instants Scryon stores: ISO-8601 allows year 0000 and JavaScript dates
 * reach ±275,000 years, but PostgreSQL refuses both ends of that range. A
 * client's date outside these years is its mistake (400), never a 500.
 */
const EARLIEST_MS = Date.UTC(1900, 0, 1);
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function isStorableInstant(date: Date): boolean {
  const ms = date.getTime();
  return ms >= EARLIEST_MS && ms <= LATEST_MS;
}

const OUT_OF_RANGE = 'must be between the years 1900 and 9999';

/** An ISO-8601 timestamp (offset allowed) within the storable years. */
export const storableDateTimeSchema = z.iso
  .datetime({ offset: true })
  .refine((value) => isStorableInstant(new Date(value)), OUT_OF_RANGE);

/** A calendar date `YYYY-MM-DD` within the storable years. */
export const storableDateSchema = z.iso
  .date()
  .refine((value) => isStorableInstant(new Date(`${value}T00:00:00Z`)), OUT_OF_RANGE);
