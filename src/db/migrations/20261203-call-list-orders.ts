import { Migration } from '@mikro-orm/migrations';

/**
 * The list's other orders: a user's calls by when they were recorded, id
 * breaking ties, as the keyset page reads them in either direction.
 */
export class Migration20261203CallListOrders extends Migration {
  override name = 'Migration20261203CallListOrders';

  override up(): void {
    this.addSql(
      `create index "call_records_user_recorded_idx" on "call_records" ("user_id", "recorded_at" desc, "id" desc);`,
    );
  }
}
