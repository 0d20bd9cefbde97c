import { Migration } from '@mikro-orm/migrations';

/**
 * A delivery is claimed (a short statement of its own) before its workflow
 * is started and marked dispatched after, so no transaction is held open
 * while Temporal answers. A claim whose dispatcher died before the start
 * lapses, and the row is claimed again (the run's id makes a second start a
 * no-op).
 */
export class Migration20261207WebhookClaims extends Migration {
  override name = 'Migration20261207WebhookClaims';

  override up(): void {
    this.addSql(`alter table "webhook_deliveries" add column "claimed_at" timestamptz null;`);
  }
}
