import { Migration } from '@mikro-orm/migrations';

/** The analysis's overall sentiment beside the call, so the list filters and counts by it in SQL. */
export class Migration20261204CallSentiment extends Migration {
  override name = 'Migration20261204CallSentiment';

  override up(): void {
    this.addSql(`alter table "call_records" add column "sentiment" text null;`);
    this.addSql(`alter table "call_records" add constraint "call_records_sentiment_check" check ("sentiment" in ('positive', 'neutral', 'negative', 'mixed', 'unclear'));`);
  }
}
