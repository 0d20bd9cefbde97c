import { z } from 'zod';
import type { Em } from '../db/orm.ts';

/**
 * The time zones a client may name: IANA names only. An offset (`+05:30`) is
 * refused, not converted: PostgreSQL reads a bare offset as POSIX does, east
 * of Greenwich negative, the opposite of ISO-8601 and of Node, so the two would
 * bucket the same calls hours apart. A name must be known to both Node (the
 * local day of "now") and PostgreSQL (the buckets), whose zone databases
 * differ: Node still knows `US/Pacific-New`, PostgreSQL no longer does.
 */

export const TIME_ZONE_MESSAGE =
  'must be an IANA time zone name (Europe/Berlin, Asia/Kolkata, UTC), not an offset such as +05:30';

/** Letters first, then `/`-separated parts of letters, digits, `_`, `+` and `-` (America/Port-au-Prince, Etc/GMT+5). */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** A name Node knows, as the client spelled it (ICU would answer Asia/Kolkata as Asia/Calcutta). */
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine((zone) => ZONE_NAME.test(zone) && nodeKnows(zone), { message: TIME_ZONE_MESSAGE });

function nodeKnows(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface ZoneCatalog {
  /** Whether PostgreSQL knows the zone by this name (any case, as PostgreSQL matches it). */
  knows(zone: string): Promise<boolean>;
}

/** PostgreSQL's zone names, read once per database on first use (a read of its zone files, not a table). */
export function createZoneCatalog(fork: () => Em): ZoneCatalog {
  let names: Promise<Set<string>> | undefined;
  const load = async () => {
    const rows = await fork().execute<{ name: string }[]>('select name from pg_timezone_names');
    return new Set(rows.map((row) => row.name.toLowerCase()));
  };
  return {
    async knows(zone) {
      // A failed read is not remembered: the next request tries again.
      names ??= load().catch((error: unknown) => {
        names = undefined;
        throw error;
      });
      return (await names).has(zone.toLowerCase());
    },
  };
}
