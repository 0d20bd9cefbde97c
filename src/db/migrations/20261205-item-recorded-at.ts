import { Migration } from '@mikro-orm/migrations';

/**
 * An action item carries when its call was recorded, so the period summary
 * counts a period's items from the items alone, without joining every call
 * of the period. A call's recorded_at never changes after upload, and the
 * trigger copies it on every insert, whichever path writes the item.
 */
export class Migration20261205ItemRecordedAt extends Migration {
  override name = 'Migration20261205ItemRecordedAt';

  override up(): void {
    this.addSql(`alter table "action_items" add column "call_recorded_at" timestamptz null;`);
    this.addSql(
      `update "action_items" item set "call_recorded_at" = call.recorded_at from "call_records" call where call.id = item.call_record_id;`,
    );
    this.addSql(
      `create index "action_items_user_call_recorded_idx" on "action_items" ("user_id", "call_recorded_at");`,
    );
    this.addSql(`create function "copy_call_recorded_at"() returns trigger language plpgsql as $$
      begin
        new.call_recorded_at := (select recorded_at from call_records where id = new.call_record_id);
        return new;
      end $$;`);
    this.addSql(
      `create trigger "action_items_call_recorded_at" before insert on "action_items" for each row execute function "copy_call_recorded_at"();`,
    );
  }
}
