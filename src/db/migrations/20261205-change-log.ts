import { Migration } from '@mikro-orm/migrations';

/**
 * The change feed's log: a row per insert, update or delete of a call or an
 * action item, written by a trigger in the same transaction, so no write path
 * (the pipeline's, a user's, a cascade's) can change a row unseen. Each row
 * carries its transaction's id: a reader only returns rows of transactions
 * older than every one still running, so a slow commit can never land behind
 * a token already handed out. Rows are ids and times only; the sweep prunes
 * them after 30 days. No foreign keys: a tombstone outlives its row, and a
 * deleted account's cascade still logs its deletes.
 */
export class Migration20261205ChangeLog extends Migration {
  override name = 'Migration20261205ChangeLog';

  override up(): void {
    this.addSql(`create table "change_log" (
      "seq" bigserial not null,
      "txid" xid8 not null default pg_current_xact_id(),
      "user_id" uuid not null,
      "entity" text not null,
      "entity_id" uuid not null,
      "op" text not null,
      "changed_at" timestamptz not null default now(),
      primary key ("seq"));`);
    this.addSql(
      `alter table "change_log" add constraint "change_log_entity_check" check ("entity" in ('call', 'action_item'));`,
    );
    this.addSql(`alter table "change_log" add constraint "change_log_op_check" check ("op" in ('upsert', 'delete'));`);
    this.addSql(`create index "change_log_user_position_idx" on "change_log" ("user_id", "txid", "seq");`);
    this.addSql(`create index "change_log_changed_idx" on "change_log" ("changed_at");`);
    // An item's change also changes its call as the list shows it (the item count, the first title): the call is logged too.
    this.addSql(`create function "log_change"() returns trigger language plpgsql as $$
      declare
        changed record;
      begin
        if tg_op = 'DELETE' then changed := old; else changed := new; end if;
        insert into change_log (user_id, entity, entity_id, op)
          values (changed.user_id, tg_argv[0], changed.id, case when tg_op = 'DELETE' then 'delete' else 'upsert' end);
        if tg_nargs > 1 then
          insert into change_log (user_id, entity, entity_id, op) values (changed.user_id, 'call', (to_jsonb(changed) ->> tg_argv[1])::uuid, 'upsert');
        end if;
        return changed;
      end $$;`);
    this.addSql(
      `create trigger "call_records_log_change" after insert or update or delete on "call_records" for each row execute function "log_change"('call');`,
    );
    this.addSql(
      `create trigger "action_items_log_change" after insert or update or delete on "action_items" for each row execute function "log_change"('action_item', 'call_record_id');`,
    );
  }
}
