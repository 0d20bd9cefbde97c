import { Migration } from '@mikro-orm/migrations';

/**
 * Deleted calls whose clean-up (stopping the workflow, removing the objects)
 * is still to finish: the row goes at once, this note stays until the
 * clean-up workflow is done.
 */
export class Migration20261202CallDeletions extends Migration {
  override name = 'Migration20261202CallDeletions';

  override up(): void {
    this.addSql(
      `create table "call_deletions" ("call_id" uuid not null, "user_id" uuid not null, "requested_at" timestamptz not null, primary key ("call_id"));`,
    );
    this.addSql(`create index "call_deletions_requested_idx" on "call_deletions" ("requested_at");`);
  }
}
