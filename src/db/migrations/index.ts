import { Migration20261124InitialSchema } from './20261124-initial-schema.ts';
import { Migration20261202CallDeletions } from './20261202-call-deletions.ts';
import { Migration20261203CallListOrders } from './20261203-call-list-orders.ts';
import { Migration20261204SearchEntries } from './20261204-search-entries.ts';
import { Migration20261204CallJudgements } from './20261204-call-judgements.ts';
import { Migration20261204ProviderUsage } from './20261204-provider-usage.ts';
import { Migration20261205ChangeLog } from './20261205-change-log.ts';
import { Migration20261205ItemRecordedAt } from './20261205-item-recorded-at.ts';
import { Migration20261206Webhooks } from './20261206-webhooks.ts';
import { Migration20261207WebhookClaims } from './20261207-webhook-claims.ts';
import { Migration20261207AccountStatusNotice } from './20261207-account-status-notice.ts';
import { Migration20261208CallEvents } from './20261208-call-events.ts';

/** Every migration, in order. Listed explicitly so no file discovery happens at start. */
export const MIGRATIONS = [
  Migration20261124InitialSchema,
  Migration20261202CallDeletions,
  Migration20261203CallListOrders,
  Migration20261204SearchEntries,
  Migration20261204CallJudgements,
  Migration20261204ProviderUsage,
  Migration20261205ChangeLog,
  Migration20261205ItemRecordedAt,
  Migration20261206Webhooks,
  Migration20261207WebhookClaims,
  Migration20261207AccountStatusNotice,
  Migration20261208CallEvents,
];
