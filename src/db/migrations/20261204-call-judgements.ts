import { Migration } from '@mikro-orm/migrations';

/** The analysis's overall sentiment and outcome beside the call, so the list filters and counts by them in SQL. */
export class Migration20261204CallJudgements extends Migration {
  override name = 'Migration20261204CallJudgements';

  override up(): void {
    this.addSql(`alter table "call_records" add column "sentiment" text null, add column "outcome" text null;`);
    this.addSql(
      `alter table "call_records" add constraint "call_records_sentiment_check" check ("sentiment" in ('positive', 'neutral', 'negative', 'mixed', 'unclear'));`,
    );
    this.addSql(
      `alter table "call_records" add constraint "call_records_outcome_check" check ("outcome" in ('achieved', 'partially_achieved', 'not_achieved', 'no_goal', 'unclear'));`,
    );
  }
}
